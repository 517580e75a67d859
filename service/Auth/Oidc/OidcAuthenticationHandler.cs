using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Oidc;

/// <summary>
/// OIDC bearer access tokens: a JWT is validated by the JwtBearer scheme
/// (<see cref="OidcAuthenticationExtensions.JwtScheme"/>) against the issuer's discovery
/// document and keys; anything else is taken as an opaque token and introspected.
/// </summary>
internal sealed class OidcAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WaiverDbSettings settings,
    OidcIntrospector introspector)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (settings.Oidc is not { } oidc
            || !AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header.Parameter?.Trim() ?? string.Empty;
        if (token.Length == 0)
        {
            return AuthenticateResult.Fail("the Bearer token is empty");
        }

        if (LooksLikeJwt(token))
        {
            // Refused here already so the message is plain; JwtBearer refuses them as well.
            if (IsUnsigned(token))
            {
                return AuthenticateResult.Fail("the token is not signed (alg: none)");
            }

            var result = await Context.AuthenticateAsync(OidcAuthenticationExtensions.JwtScheme);
            return result.Succeeded
                ? AuthenticateResult.Success(new AuthenticationTicket(result.Principal, Scheme.Name))
                : AuthenticateResult.Fail(result.Failure?.Message ?? "the token was not accepted");
        }

        var introspection = await introspector.IntrospectAsync(token, Context.RequestAborted);
        if (introspection.Claims is not { } claims)
        {
            return AuthenticateResult.Fail(introspection.Failure ?? "the token is not active");
        }

        var (principal, failure) = OidcIdentity.FromClaims(claims, oidc, Scheme.Name);
        return principal is null
            ? AuthenticateResult.Fail(failure!)
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>Three (JWS) or five (JWE) dot-separated parts: opaque tokens have neither.</summary>
    private static bool LooksLikeJwt(string token) => token.Count(c => c == '.') is 2 or 4;

    private static bool IsUnsigned(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return !jwt.IsEncrypted && (string.IsNullOrEmpty(jwt.EncodedSignature) || string.Equals(jwt.Alg, "none", StringComparison.OrdinalIgnoreCase));
        }
        catch (ArgumentException)
        {
            // Malformed: JwtBearer says so.
            return false;
        }
    }
}
