using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Oidc;

namespace WaiverDb.Service.Web;

/// <summary>
/// The signed-in user from the sign-in's tokens: the name is <c>OIDC_USERNAME_FIELD</c> of the
/// ID token, else the access token, else userinfo; the groups at <c>OIDC_GROUPS_FIELD</c> are
/// those of all three (Keycloak puts realm roles only in the access token).
/// </summary>
internal static class WebIdentity
{
    public static (ClaimsPrincipal? Principal, string? Failure) From(OidcSettings settings, params JsonElement?[] sources)
    {
        var present = sources.OfType<JsonElement>().Where(s => s.ValueKind == JsonValueKind.Object).ToList();
        var named = present.FirstOrDefault(s => s.TryGetProperty(settings.UsernameField, out var v) && v.ValueKind == JsonValueKind.String);
        if (named.ValueKind != JsonValueKind.Object)
        {
            return (null, $"the identity provider's tokens have no {settings.UsernameField} claim to name the user");
        }

        var (principal, failure) = OidcIdentity.FromClaims(named, settings, WebSchemes.Cookie);
        if (principal is null)
        {
            return (null, failure);
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var group in present.SelectMany(s => OidcIdentity.Groups(s, settings.GroupsField)).Distinct(StringComparer.Ordinal)
            .Except(identity.FindAll(CurrentUser.GroupClaim).Select(c => c.Value), StringComparer.Ordinal).ToList())
        {
            identity.AddClaim(new Claim(CurrentUser.GroupClaim, group));
        }

        var email = present.Select(s => s.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null)
            .FirstOrDefault(e => e is not null);
        if (email is not null)
        {
            identity.AddClaim(new Claim(ClaimTypes.Email, email));
        }

        return (principal, null);
    }

    /// <summary>The payload of a JWT, unchecked: for tokens the provider's token endpoint just handed over TLS.</summary>
    public static JsonElement? Payload(string? jwt)
    {
        if (jwt is null || jwt.Count(c => c == '.') != 2)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));
            return payload.RootElement.Clone();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
