using System.Globalization;
using Microsoft.Identity.Client;

namespace WaiverDb.Cli;

/// <summary>
/// The OIDC access token for <c>auth_method = OIDC</c>, through MSAL against the configured
/// issuer (<c>oidc_id_provider</c>, found by its <c>.well-known/openid-configuration</c>):
/// <list type="bullet">
/// <item>with <c>oidc_client_secret</c> (robots), the client-credentials grant;</item>
/// <item>otherwise (packagers), the cached login if it is still good or can be renewed, else a
/// login in the system browser (loopback redirect to http://localhost), or with a device code
/// (<see cref="DeviceCodeLogin"/>) when asked to or when there is no display.</item>
/// </list>
/// Tokens are kept in <see cref="TokenCacheStore"/> so a packager logs in once. Every failure is
/// a <see cref="CliException"/> with exit status 3.
/// </summary>
public sealed class OidcLogin(ClientConfig config, CliContext context, HttpClient http, bool deviceCode = false, bool relogin = false)
{
    public const string RefusedHint = "the server refused the OIDC token; log in again with --relogin";

    private string? _accessToken;

    private Uri Provider => new(config.OidcIdProvider ?? throw new InvalidOperationException("oidc_id_provider is checked when the configuration is read"));

    private string ClientId => config.OidcClientId ?? throw new InvalidOperationException("oidc_client_id is checked when the configuration is read");

    /// <summary>The access token, fetched once per run.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        if (_accessToken is not null)
        {
            return _accessToken;
        }

        try
        {
            return _accessToken = config.OidcClientSecret is { Length: > 0 } secret
                ? (await ForClientAsync(secret, ct)).AccessToken
                : await ForUserAsync(ct);
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            throw new CliException("OIDC login cancelled", ExitCodes.Unavailable, e);
        }
        catch (MsalServiceException e)
        {
            throw new CliException($"OIDC login at {Provider} failed: {Describe(e)}", ExitCodes.Unavailable, e);
        }
        catch (MsalException e)
        {
            throw new CliException($"OIDC login at {Provider} failed: {Describe(e)}", ExitCodes.Unavailable, e);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Could not reach the OIDC provider at {Provider}: {e.Message}", ExitCodes.Unavailable, e);
        }
        catch (TaskCanceledException e)
        {
            throw new CliException($"The OIDC provider at {Provider} did not answer in time", ExitCodes.Unavailable, e);
        }
    }

    /// <summary>
    /// Upstream passed the secret to the same browser login; a secret here means a robot, which
    /// has nobody to log in, so it takes the client-credentials grant instead.
    /// </summary>
    private async Task<AuthenticationResult> ForClientAsync(string secret, CancellationToken ct)
    {
        var app = ConfidentialClientApplicationBuilder.Create(ClientId)
            .WithExperimentalFeatures()
            .WithOidcAuthority(Provider.ToString())
            .WithClientSecret(secret)
            .WithHttpClientFactory(new SharedHttpClient(http))
            .Build();
        await TokenCacheStore.RegisterAsync(app.AppTokenCache, TokenCacheStore.ClientFileName, context.Environment);
        return await app.AcquireTokenForClient(config.OidcScopes)
            .WithForceRefresh(relogin)
            .ExecuteAsync(ct);
    }

    private async Task<string> ForUserAsync(CancellationToken ct)
    {
        // Any OIDC issuer (Ipsilon, Keycloak), not only Entra ID: MSAL still calls that experimental.
        var app = PublicClientApplicationBuilder.Create(ClientId)
            .WithExperimentalFeatures()
            .WithOidcAuthority(Provider.ToString())
            .WithRedirectUri("http://localhost")
            .WithHttpClientFactory(new SharedHttpClient(http))
            .Build();
        await TokenCacheStore.RegisterAsync(app.UserTokenCache, TokenCacheStore.UserFileName, context.Environment);
        foreach (var account in await app.GetAccountsAsync())
        {
            if (relogin)
            {
                await app.RemoveAsync(account);
                continue;
            }

            try
            {
                // A token still valid comes from the cache; an expired one is renewed with the refresh token.
                return (await app.AcquireTokenSilent(config.OidcScopes, account).ExecuteAsync(ct)).AccessToken;
            }
            catch (MsalUiRequiredException)
            {
                // The refresh token expired or was revoked: log in again below.
            }
        }

        if (deviceCode || !HasDisplay())
        {
            // The scopes MSAL adds to its own logins; offline_access asks for the refresh token that keeps the login.
            var scopes = config.OidcScopes.Union(["openid", "profile", "offline_access"], StringComparer.Ordinal);
            var (accessToken, refreshToken) = await DeviceCodeLogin.RunAsync(http, Provider, ClientId, scopes, context.Error, ct);
            if (refreshToken is null)
            {
                await context.Error.WriteLineAsync("The OIDC provider gave no refresh token: this login is not kept for the next run.");
                return accessToken;
            }

            // Redeeming the refresh token through MSAL puts the login in its cache, where the next run finds it.
            return (await ((IByRefreshToken)app).AcquireTokenByRefreshToken(config.OidcScopes, refreshToken).ExecuteAsync(ct)).AccessToken;
        }

        await context.Error.WriteLineAsync($"Logging in at {Provider} in your browser (use --device-code to log in from another device)...");
        var result = await app.AcquireTokenInteractive(config.OidcScopes)
            .WithUseEmbeddedWebView(false)
            .ExecuteAsync(ct);
        return result.AccessToken;
    }

    /// <summary>On Linux and the BSDs a browser can only be opened in an X11 or Wayland session.</summary>
    private bool HasDisplay() =>
        !(OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
        || !string.IsNullOrEmpty(context.Environment("DISPLAY"))
        || !string.IsNullOrEmpty(context.Environment("WAYLAND_DISPLAY"));

    private static string Describe(MsalException e) => e switch
    {
        MsalServiceException { StatusCode: > 0 } service => string.Format(
            CultureInfo.InvariantCulture, "{0} (HTTP {1}): {2}", service.ErrorCode, service.StatusCode, FirstLine(service.Message)),
        _ => $"{e.ErrorCode}: {FirstLine(e.Message)}",
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>MSAL's calls go through the tool's own client: same timeout, user agent and (in tests) handler.</summary>
    private sealed class SharedHttpClient(HttpClient http) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => http;
    }
}
