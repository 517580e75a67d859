using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Web;

/// <summary>
/// The web side's settings, under upstream's (Flask and flask-oidc) names: where the
/// provider returns to, what is asked of it, and the browser session.
/// </summary>
public sealed record WebSettings
{
    /// <summary><c>OIDC_CALLBACK_ROUTE</c>: the path the identity provider redirects back to.</summary>
    public string CallbackRoute { get; init; } = "/oidc_callback";

    /// <summary><c>OIDC_SCOPES</c>: what the sign-in asks for; <c>openid</c> is always among them.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "email", "profile"];

    /// <summary>
    /// <c>SECRET_KEY</c>: the session cookies are encrypted with a key derived from it, so every
    /// replica with the same secret reads the others' cookies. Null: a key ring of this process only.
    /// </summary>
    public string? SecretKey { get; init; }

    /// <summary><c>PERMANENT_SESSION_LIFETIME</c> (seconds): how long a sign-in lasts.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(1);

    internal static WebSettings Read(SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var settings = new WebSettings();
        var route = source.String("OIDC_CALLBACK_ROUTE") ?? settings.CallbackRoute;
        if (!route.StartsWith('/') || route.StartsWith("//", StringComparison.Ordinal) || route.Contains('?', StringComparison.Ordinal))
        {
            source.Problem("OIDC_CALLBACK_ROUTE", "must be a path starting with / (such as /oidc_callback)");
            route = settings.CallbackRoute;
        }

        // Upstream's value is a list; a space-separated string, as OAuth writes scopes, is read too.
        IReadOnlyList<string> scopes = !source.Has("OIDC_SCOPES") ? settings.Scopes
            : source.IsList("OIDC_SCOPES") ? source.StringList("OIDC_SCOPES")
            : (source.String("OIDC_SCOPES") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains("openid"))
        {
            scopes = ["openid", .. scopes];
        }

        var secret = source.String("SECRET_KEY");
        if (secret is not null && secret.Length < 16)
        {
            source.Problem("SECRET_KEY", "must be at least 16 characters (a long random string)");
        }

        var lifetime = source.Number("PERMANENT_SESSION_LIFETIME", settings.SessionLifetime.TotalSeconds, 60, 31 * 24 * 3600);
        return new WebSettings
        {
            CallbackRoute = route,
            Scopes = scopes,
            SecretKey = string.IsNullOrEmpty(secret) ? null : secret,
            SessionLifetime = TimeSpan.FromSeconds(lifetime),
        };
    }
}
