using System.Collections.Concurrent;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Text;
using WaiverDb.Service.Auth.Kerberos;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Ldap;

/// <summary>LDAP could not answer; the request fails with 502 rather than deciding without it.</summary>
public sealed class LdapUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A user's groups from LDAP: the <c>cn</c> of every entry that each <c>LDAP_SEARCHES</c>
/// filter, with <c>{user}</c> replaced by the escaped user name, finds under its base.
/// Answers are kept for <see cref="LdapSettings.CacheDuration"/> so a list of waivers
/// costs one lookup per user.
/// </summary>
public sealed partial class LdapGroups(WaiverDbSettings settings, TimeProvider time, ILogger<LdapGroups> logger)
{
    private readonly LdapSettings _settings = settings.Ldap;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlySet<string> Groups)> _cache = new(StringComparer.Ordinal);

    public bool Enabled => _settings.Host is not null;

    public async Task<IReadOnlySet<string>> GroupsOfAsync(string user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(user, out var cached) && cached.Expires > now)
        {
            return cached.Groups;
        }

        var groups = await Task.Run(() => Search(user), ct);
        if (_settings.CacheDuration > TimeSpan.Zero)
        {
            if (_cache.Count > 10_000)
            {
                foreach (var (key, entry) in _cache.Where(pair => pair.Value.Expires <= now))
                {
                    _cache.TryRemove(key, out _);
                }
            }

            _cache[user] = (now + _settings.CacheDuration, groups);
        }

        return groups;
    }

    /// <summary>Escapes a value for an LDAP filter (RFC 4515), so a user name cannot change the filter.</summary>
    public static string EscapeFilterValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '\\' => @"\5c",
                '*' => @"\2a",
                '(' => @"\28",
                ')' => @"\29",
                '\0' => @"\00",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    // System.DirectoryServices.Protocols has no task-based API; the lookup runs on a pool
    // thread, bounded by the connection's timeout.
    private HashSet<string> Search(string user)
    {
        var host = _settings.Host!;
        var secure = host.Scheme == "ldaps";
        var port = host.IsDefaultPort || host.Port < 0 ? (secure ? 636 : 389) : host.Port;
        try
        {
            using var connection = new LdapConnection(new LdapDirectoryIdentifier(host.Host, port))
            {
                // On Linux, Kerberos without explicit credentials is libldap's SASL GSSAPI
                // bind (cyrus-sasl's GSSAPI module) with the credentials GSSAPI finds.
                AuthType = _settings.BindMethod switch
                {
                    LdapBindMethod.Simple => AuthType.Basic,
                    LdapBindMethod.Gssapi => AuthType.Kerberos,
                    _ => AuthType.Anonymous,
                },
                Timeout = _settings.Timeout,
            };
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.SecureSocketLayer = secure;
            Bind(connection);

            var groups = new HashSet<string>(StringComparer.Ordinal);
            var escaped = EscapeFilterValue(user);
            foreach (var search in _settings.Searches)
            {
                var filter = search.SearchString!.Replace(LdapSettings.UserPlaceholder, escaped, StringComparison.Ordinal);
                var request = new SearchRequest(search.Base, filter, SearchScope.Subtree, "cn");
                var response = (SearchResponse)connection.SendRequest(request, _settings.Timeout);
                foreach (SearchResultEntry entry in response.Entries)
                {
                    if (entry.Attributes["cn"] is { Count: > 0 } cn)
                    {
                        groups.Add((string)cn.GetValues(typeof(string))[0]);
                    }
                }
            }

            LogGroups(logger, user, groups.Count, host);
            return groups;
        }
        catch (LdapException e) when (e.ErrorCode is 81 or 85 or 91)
        {
            LogUnreachable(logger, e, host);
            throw new LdapUnavailableException($"The LDAP server {host} is not reachable.", e);
        }
        catch (Exception e) when (e is LdapException or DirectoryOperationException)
        {
            LogFailed(logger, e, host);
            throw new LdapUnavailableException($"The LDAP group lookup at {host} failed: {e.Message}", e);
        }
    }

    private void Bind(LdapConnection connection)
    {
        switch (_settings.BindMethod)
        {
            case LdapBindMethod.Simple:
                connection.Bind(new NetworkCredential(_settings.BindDn, _settings.BindPassword));
                break;
            case LdapBindMethod.Gssapi:
                KerberosEnvironment.ExportClientKeytab(_settings.ClientKeytab);
                try
                {
                    connection.Bind();
                }
                catch (LdapException e) when (e.ErrorCode is not (81 or 85 or 91))
                {
                    // libldap's own message ("A local error occurred.") says little; the
                    // diagnostic carries SASL's and GSSAPI's reason (no credentials, an
                    // unknown server principal, a key that does not match, ...).
                    var reason = string.IsNullOrWhiteSpace(e.ServerErrorMessage) ? e.Message : $"{e.Message} {e.ServerErrorMessage.Trim()}";
                    throw new LdapException(e.ErrorCode, $"the GSSAPI bind was refused: {reason}", e);
                }

                break;
            default:
                connection.Bind();
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "LDAP {Host} lists {Count} groups for {User}")]
    private static partial void LogGroups(ILogger logger, string user, int count, Uri host);

    [LoggerMessage(Level = LogLevel.Error, Message = "The LDAP server {Host} is not reachable")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, Uri host);

    [LoggerMessage(Level = LogLevel.Error, Message = "The LDAP group lookup at {Host} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Uri host);
}
