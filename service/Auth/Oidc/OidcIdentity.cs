using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using WaiverDb.Contracts.Validation;

namespace WaiverDb.Service.Auth.Oidc;

/// <summary>
/// Turns a validated token's claims (a JWT payload or an introspection answer) into the
/// request's user, and token validation errors into messages a client can act on.
/// </summary>
internal static class OidcIdentity
{
    /// <summary>The user named by <see cref="OidcSettings.UsernameField"/>, with groups from <see cref="OidcSettings.GroupsField"/>; or why not.</summary>
    public static (ClaimsPrincipal? Principal, string? Failure) FromClaims(JsonElement claims, OidcSettings settings, string scheme)
    {
        if (!claims.TryGetProperty(settings.UsernameField, out var nameValue) || nameValue.ValueKind != JsonValueKind.String
            || nameValue.GetString() is not { Length: > 0 } name)
        {
            return (null, $"the token has no {settings.UsernameField} claim to name the user");
        }

        if (name.Length > FieldLimits.Username || name.Any(char.IsControl))
        {
            return (null, $"the {settings.UsernameField} claim must be at most {FieldLimits.Username} characters without control characters");
        }

        var identityClaims = new List<Claim> { new(ClaimTypes.Name, name) };
        identityClaims.AddRange(Groups(claims, settings.GroupsField).Select(group => new Claim(CurrentUser.GroupClaim, group)));
        return (new ClaimsPrincipal(new ClaimsIdentity(identityClaims, scheme)), null);
    }

    /// <summary>The strings at a dotted path (<c>realm_access.roles</c>): a list of strings or one string; nothing when absent.</summary>
    public static IEnumerable<string> Groups(JsonElement claims, string dottedPath)
    {
        var node = claims;
        foreach (var part in dottedPath.Split('.'))
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node))
            {
                return [];
            }
        }

        return node.ValueKind switch
        {
            JsonValueKind.String => [node.GetString()!],
            JsonValueKind.Array => [.. node.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            _ => [],
        };
    }

    /// <summary>
    /// What failed, for the 401: IdentityModel's own messages carry IDX codes and hide the
    /// values, so the common causes are named here with the expected value.
    /// </summary>
    public static string Describe(Exception exception, OidcSettings settings) => exception switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no expiry",
        SecurityTokenInvalidIssuerException => $"the token's issuer is not {settings.Issuer.OriginalString}",
        SecurityTokenInvalidAudienceException => $"the token's audience is not {settings.Audience}",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key the issuer does not publish (unknown kid)",
        SecurityTokenInvalidAlgorithmException => "the token is signed with an algorithm that is not accepted",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT",
        SecurityTokenDecryptionFailedException => "encrypted tokens are not accepted",
        InvalidOperationException or HttpRequestException or TaskCanceledException or OperationCanceledException =>
            $"the issuer's discovery document or keys could not be fetched from {settings.Issuer.OriginalString}",
        _ => "the token was not accepted",
    };
}
