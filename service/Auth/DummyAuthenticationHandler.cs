using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WaiverDb.Contracts.Validation;

namespace WaiverDb.Service.Auth;

/// <summary>
/// Development authentication: HTTP Basic where any password is accepted and the user
/// name is the user. Start-up refuses it unless DEVELOPMENT is set.
/// </summary>
public sealed class DummyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? string.Empty));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("the Basic credentials are not valid base64"));
        }

        var user = decoded.Split(':', 2)[0];
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("the Basic credentials have no user name"));
        }

        if (user.Length > FieldLimits.Username || user.Any(char.IsControl))
        {
            return Task.FromResult(AuthenticateResult.Fail(
                $"the user name must be at most {FieldLimits.Username} characters without control characters"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
