using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Ldap;

/// <summary>Reads <see cref="LdapSettings"/>, naming every wrong key.</summary>
internal static class LdapSettingsReader
{
    public static LdapSettings Read(SettingsSource source)
    {
        var hostText = source.String("LDAP_HOST");
        var timeout = TimeSpan.FromSeconds(source.Number("LDAP_TIMEOUT", 5, 0.1, 600));
        var cache = TimeSpan.FromSeconds(source.Number("LDAP_CACHE_SECONDS", 60, 0, 86_400));
        var bindDn = source.String("LDAP_BIND_DN");
        var bindPassword = source.String("LDAP_BIND_PASSWORD");
        var bindMethodText = source.String("LDAP_BIND_METHOD");
        var clientKeytab = source.String("KRB5_CLIENT_KTNAME");
        var searches = ReadSearches(source);
        if (string.IsNullOrWhiteSpace(hostText))
        {
            return LdapSettings.None;
        }

        if (!Uri.TryCreate(hostText, UriKind.Absolute, out var host) || host.Scheme is not ("ldap" or "ldaps")
            || host.Host.Length == 0 || host.AbsolutePath.Trim('/').Length > 0)
        {
            source.Problem("LDAP_HOST", $"'{hostText}' is not an LDAP URL such as ldap://ldap.example.com or ldaps://ldap.example.com:636");
            return LdapSettings.None;
        }

        if (searches.Count == 0)
        {
            source.Problem("LDAP_SEARCHES", "must list at least one {\"BASE\": ..., \"SEARCH_STRING\": ...} when LDAP_HOST is set (or give LDAP_BASE)");
        }

        if (string.IsNullOrEmpty(bindDn) != string.IsNullOrEmpty(bindPassword))
        {
            source.Problem("LDAP_BIND_DN", "LDAP_BIND_DN and LDAP_BIND_PASSWORD are given together or not at all");
        }

        var bindMethod = ReadBindMethod(source, bindMethodText, hasBindDn: !string.IsNullOrEmpty(bindDn) || !string.IsNullOrEmpty(bindPassword));
        return new LdapSettings
        {
            Host = host,
            Searches = searches,
            BindMethod = bindMethod,
            ClientKeytab = bindMethod == LdapBindMethod.Gssapi && !string.IsNullOrWhiteSpace(clientKeytab) ? clientKeytab : null,
            BindDn = string.IsNullOrEmpty(bindDn) ? null : bindDn,
            BindPassword = string.IsNullOrEmpty(bindPassword) ? null : bindPassword,
            Timeout = timeout,
            CacheDuration = cache,
        };
    }

    // Default: simple when a bind DN is given, anonymous otherwise. A method that the
    // bind DN and password contradict is refused rather than one of them ignored.
    private static LdapBindMethod ReadBindMethod(SettingsSource source, string? text, bool hasBindDn)
    {
        const string key = "LDAP_BIND_METHOD";
        if (string.IsNullOrWhiteSpace(text))
        {
            return hasBindDn ? LdapBindMethod.Simple : LdapBindMethod.Anonymous;
        }

        LdapBindMethod? method = text.Trim().ToUpperInvariant() switch
        {
            "ANONYMOUS" => LdapBindMethod.Anonymous,
            "SIMPLE" => LdapBindMethod.Simple,
            "GSSAPI" => LdapBindMethod.Gssapi,
            _ => null,
        };
        switch (method)
        {
            case null:
                source.Problem(key, $"'{text}' is not one of anonymous, simple, GSSAPI");
                return LdapBindMethod.Anonymous;
            case LdapBindMethod.Simple when !hasBindDn:
                source.Problem(key, "simple needs LDAP_BIND_DN and LDAP_BIND_PASSWORD");
                break;
            case LdapBindMethod.Anonymous when hasBindDn:
                source.Problem(key, "anonymous contradicts LDAP_BIND_DN and LDAP_BIND_PASSWORD: remove them or choose simple");
                break;
            case LdapBindMethod.Gssapi when hasBindDn:
                source.Problem(key, "GSSAPI binds with Kerberos credentials (KRB5_CLIENT_KTNAME or KRB5CCNAME), not LDAP_BIND_DN and LDAP_BIND_PASSWORD: remove them or choose simple");
                break;
        }

        return method.Value;
    }

    private static List<LdapSearch> ReadSearches(SettingsSource source)
    {
        // Upstream's older form: one search from LDAP_BASE and LDAP_SEARCH_STRING.
        if (!source.Has("LDAP_SEARCHES"))
        {
            var legacyBase = source.String("LDAP_BASE");
            var legacyFilter = source.String("LDAP_SEARCH_STRING");
            if (string.IsNullOrWhiteSpace(legacyBase))
            {
                return [];
            }

            var legacy = new LdapSearch(legacyBase, string.IsNullOrWhiteSpace(legacyFilter) ? LdapSettings.DefaultSearchString : legacyFilter);
            return Check(source, "LDAP_SEARCH_STRING", legacy) ? [legacy] : [];
        }

        var read = source.Typed("LDAP_SEARCHES", LdapJsonContext.Default.IReadOnlyListLdapSearch,
            "must be a list of {\"BASE\": ..., \"SEARCH_STRING\": ...} objects") ?? [];
        var searches = new List<LdapSearch>(read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            if (read[i] is not { } search || string.IsNullOrWhiteSpace(search.Base))
            {
                source.Problem("LDAP_SEARCHES", $"entry {i} has no BASE");
                continue;
            }

            search = search with { SearchString = string.IsNullOrWhiteSpace(search.SearchString) ? LdapSettings.DefaultSearchString : search.SearchString };
            if (Check(source, "LDAP_SEARCHES", search))
            {
                searches.Add(search);
            }
        }

        return searches;
    }

    // A filter without the placeholder matches the same entries for every user, so
    // everyone would get those groups: refused rather than silently granting them.
    private static bool Check(SettingsSource source, string key, LdapSearch search)
    {
        var filter = search.SearchString!;
        if (!filter.Contains(LdapSettings.UserPlaceholder, StringComparison.Ordinal))
        {
            source.Problem(key, $"the search string '{filter}' does not contain {LdapSettings.UserPlaceholder}");
            return false;
        }

        if (!filter.StartsWith('(') || !filter.EndsWith(')'))
        {
            source.Problem(key, $"the search string '{filter}' is not a parenthesized LDAP filter such as {LdapSettings.DefaultSearchString}");
            return false;
        }

        return true;
    }
}
