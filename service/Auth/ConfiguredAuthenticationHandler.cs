using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WaiverDb.Contracts;
using WaiverDb.Service.Hosting;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth;

/// <summary>
/// Tries each method of <c>AUTH_METHODS</c> in order; the first that authenticates wins.
/// A request none authenticates gets 401 with every configured challenge and a message
/// saying what failed for each method.
/// </summary>
public sealed class ConfiguredAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WaiverDbSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private readonly List<string> _failures = [];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Hosting.JsonpMiddleware.IsJsonp(Request))
        {
            // Cross-site script tags carry the browser's credentials: JSONP answers only what anyone may read.
            return AuthenticateResult.NoResult();
        }

        foreach (var method in settings.AuthMethods)
        {
            var result = await Context.AuthenticateAsync(AuthSchemes.SchemeFor(method));
            if (result.Succeeded)
            {
                return AuthenticateResult.Success(new AuthenticationTicket(result.Principal, Scheme.Name));
            }

            if (result.Failure is { } failure)
            {
                _failures.Add($"{AuthSchemes.SettingName(method)}: {failure.Message}");
            }
        }

        return _failures.Count > 0 ? AuthenticateResult.Fail(string.Join("; ", _failures)) : AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        foreach (var challenge in settings.AuthMethods.Select(AuthSchemes.ChallengeFor).OfType<string>())
        {
            Response.Headers.Append("WWW-Authenticate", challenge);
        }

        var accepted = string.Join(", ", settings.AuthMethods.Select(AuthSchemes.SettingName));
        var message = _failures.Count > 0
            ? $"Authentication failed ({string.Join("; ", _failures)})"
            : $"Authentication required: no credentials were sent (accepted: {accepted})";
        return JsonErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, new ErrorResponse(message));
    }
}
