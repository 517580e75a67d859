using System.Text.Json.Serialization;

namespace WaiverDb.Service.Auth.Ldap;

/// <summary>
/// Where group membership is looked up when a user is not granted a test case by name or
/// by the groups their token carries: <c>LDAP_HOST</c>, <c>LDAP_SEARCHES</c> and our
/// bind, timeout and cache settings. A null <see cref="Host"/> means no LDAP lookups.
/// </summary>
public sealed record LdapSettings
{
    public const string DefaultSearchString = "(memberUid={user})";

    /// <summary>The placeholder in a search string that the escaped user name replaces.</summary>
    public const string UserPlaceholder = "{user}";

    public static readonly LdapSettings None = new();

    /// <summary><c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>.</summary>
    public Uri? Host { get; init; }

    public IReadOnlyList<LdapSearch> Searches { get; init; } = [];

    /// <summary>How the service binds before it searches (<c>LDAP_BIND_METHOD</c>).</summary>
    public LdapBindMethod BindMethod { get; init; } = LdapBindMethod.Anonymous;

    /// <summary>The DN to bind as; set exactly when <see cref="BindMethod"/> is simple.</summary>
    public string? BindDn { get; init; }

    public string? BindPassword { get; init; }

    /// <summary>
    /// <c>KRB5_CLIENT_KTNAME</c> from the settings: the client keytab GSSAPI takes initial
    /// credentials from for a GSSAPI bind. Null: the environment's, if any.
    /// </summary>
    public string? ClientKeytab { get; init; }

    /// <summary>How long connecting and each search may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a user's groups are reused before LDAP is asked again.</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>How the service binds to LDAP before searching.</summary>
public enum LdapBindMethod
{
    /// <summary>No bind: the searches run as the anonymous user.</summary>
    Anonymous,

    /// <summary>Simple bind with <c>LDAP_BIND_DN</c> and <c>LDAP_BIND_PASSWORD</c>.</summary>
    Simple,

    /// <summary>SASL GSSAPI (Kerberos) with the credentials GSSAPI finds: a client keytab or a credential cache.</summary>
    Gssapi,
}

/// <summary>One entry of <c>LDAP_SEARCHES</c>: the matching entries' <c>cn</c> are the user's groups.</summary>
public sealed record LdapSearch(
    [property: JsonPropertyName("BASE")] string? Base,
    [property: JsonPropertyName("SEARCH_STRING")] string? SearchString);

[JsonSerializable(typeof(IReadOnlyList<LdapSearch?>))]
internal sealed partial class LdapJsonContext : JsonSerializerContext;
