using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace WaiverDb.Service.Web;

/// <summary>
/// The browser's authentication: a cookie session, opened by an OIDC sign-in (or the
/// development sign-in page). Only the web endpoints read the cookie, so the API's
/// methods (<c>AUTH_METHODS</c>) behave as they did.
/// </summary>
public static class WebSchemes
{
    public const string Cookie = "web-session";

    public const string Oidc = "web-oidc";

    public const string CookieName = "waiverdb_session";

    /// <summary>The signed-in browser user, or null.</summary>
    public static async Task<ClaimsPrincipal?> UserAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.AuthenticateAsync(Cookie);
        return result.Succeeded && result.Principal.Identity?.IsAuthenticated == true ? result.Principal : null;
    }

    /// <summary>A local path to return to: anything else (another site, <c>//host</c>) becomes the start page.</summary>
    public static string LocalReturnUrl(string? next) =>
        next is { Length: > 0 } && next.StartsWith('/') && !next.StartsWith("//", StringComparison.Ordinal)
            && !next.StartsWith("/\\", StringComparison.Ordinal) && !next.Any(char.IsControl)
            ? next
            : "/";
}
