using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth;

/// <summary>
/// The ASP.NET Core authentication schemes behind each <see cref="AuthMethod"/>. Endpoints
/// authenticate with <see cref="Configured"/>, which tries the configured methods in order.
/// </summary>
public static class AuthSchemes
{
    /// <summary>The composite scheme: the first configured method that authenticates wins.</summary>
    public const string Configured = "WaiverDb";

    public const string Dummy = "dummy";

    public const string Oidc = "oidc";

    public const string Kerberos = "kerberos";

    public const string Ssl = "ssl";

    /// <summary>The name upstream reports in <c>/about</c> for each method.</summary>
    public static string SettingName(AuthMethod method) => method switch
    {
        AuthMethod.Dummy => "dummy",
        AuthMethod.Oidc => "OIDC",
        AuthMethod.Kerberos => "Kerberos",
        AuthMethod.Ssl => "SSL",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public static string SchemeFor(AuthMethod method) => method switch
    {
        AuthMethod.Dummy => Dummy,
        AuthMethod.Oidc => Oidc,
        AuthMethod.Kerberos => Kerberos,
        AuthMethod.Ssl => Ssl,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>The <c>WWW-Authenticate</c> challenge a client without credentials is sent for each method.</summary>
    /// <remarks>A client certificate is not asked for by a header (TLS does it), so SSL has none.</remarks>
    public static string? ChallengeFor(AuthMethod method) => method switch
    {
        AuthMethod.Dummy => "Basic realm=\"dummy\"",
        AuthMethod.Oidc => "Bearer",
        AuthMethod.Kerberos => "Negotiate",
        AuthMethod.Ssl => null,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };
}
