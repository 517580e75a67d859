using WaiverDb.Contracts;

namespace WaiverDb.Service.Settings;

/// <summary>
/// The service's settings, read once at start-up by <see cref="SettingsLoader"/> from the
/// settings file (upstream WaiverDB's key names) and same-named environment variables.
/// </summary>
public sealed record WaiverDbSettings
{
    /// <summary>The authentication methods, in the order they are tried.</summary>
    public required IReadOnlyList<AuthMethod> AuthMethods { get; init; }

    public required DatabaseSettings Database { get; init; }

    public IReadOnlyList<string> Superusers { get; init; } = [];

    /// <summary><c>ADMINS</c>: who may revoke and remove waivers and read the audit log.</summary>
    public Admin.AdminSettings Admins { get; init; } = Admin.AdminSettings.None;

    public IReadOnlyList<PermissionEntry> Permissions { get; init; } = [];

    /// <summary>Deprecated: test case regex to users and groups, used when <see cref="Permissions"/> is empty.</summary>
    public IReadOnlyDictionary<string, PermissionMappingEntry> PermissionMapping { get; init; } =
        new Dictionary<string, PermissionMappingEntry>();

    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Let browsers send cookies and credentials cross-origin (Bodhi's web UI).</summary>
    public bool CorsSupportsCredentials { get; init; }

    /// <summary>ResultsDB's API root, for waivers created by <c>result_id</c>; null disables them.</summary>
    public Uri? ResultsDbApiUrl { get; init; }

    public TimeSpan ResultsDbTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Development { get; init; }

    public Auth.Ldap.LdapSettings Ldap { get; init; } = Auth.Ldap.LdapSettings.None;

    public Auth.Ssl.SslSettings Ssl { get; init; } = Auth.Ssl.SslSettings.None;

    /// <summary>The largest <c>limit</c> a page of <c>GET /waivers/</c> may ask for.</summary>
    public int MaxPageLimit { get; init; } = 1000;

    public KerberosSettings Kerberos { get; init; } = new();

    /// <summary>Request sizes and connection limits (<see cref="ServerLimits"/>).</summary>
    public ServerLimits Limits { get; init; } = new();

    /// <summary><c>LOG_FORMAT</c>: JSON lines (default) or plain text for development.</summary>
    public LogFormat LogFormat { get; init; }

    /// <summary><c>TRUSTED_PROXIES</c>: whose forwarded scheme and host make the absolute links (the OpenShift router's networks).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary><c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>: spans go there over OTLP/HTTP; null: no tracing.</summary>
    public Uri? OtlpTracesEndpoint { get; init; }

    /// <summary><c>OTEL_EXPORTER_SERVICE_NAME</c>: the service name on the spans.</summary>
    public string TracingServiceName { get; init; } = "waiverdb";

    /// <summary>The OIDC method's settings; null unless <see cref="AuthMethods"/> includes OIDC.</summary>
    public Auth.Oidc.OidcSettings? Oidc { get; init; }

    /// <summary>The web pages' sign-in and session (<c>OIDC_CALLBACK_ROUTE</c>, <c>OIDC_SCOPES</c>, <c>SECRET_KEY</c>, <c>PERMANENT_SESSION_LIFETIME</c>).</summary>
    public Web.WebSettings Web { get; init; } = new();

    /// <summary>Publishing of <c>waiverdb.waiver.new</c> (<c>MESSAGE_BUS_PUBLISH</c>, <c>MESSAGE_PUBLISHER</c>).</summary>
    public Messaging.MessagingSettings MessageBus { get; init; } = Messaging.MessagingSettings.Disabled;
}

/// <summary>Where the database is and how long to wait for it.</summary>
public sealed record DatabaseSettings
{
    public required string ConnectionString { get; init; }

    /// <summary>Apply pending schema changes when the service starts (the <c>migrate</c> command always does).</summary>
    public bool MigrateOnStartup { get; init; } = true;
}

/// <summary>The authentication methods upstream WaiverDB knows, by their setting names.</summary>
public enum AuthMethod
{
    Dummy,
    Oidc,
    Kerberos,
    Ssl,
}
