using System.Globalization;
using System.Text.Json;

namespace WaiverDb.Cli;

/// <summary>
/// The device authorization grant (RFC 8628) against any OIDC issuer. MSAL 4.92 runs it only
/// for Entra ID (its generic OIDC authority throws NotImplementedException for it), so the
/// tool does the exchange itself: the endpoints come from the issuer's discovery document, the
/// user is shown a code to enter at the provider, and the token endpoint is polled until they
/// have logged in.
/// </summary>
internal static class DeviceCodeLogin
{
    private const string Grant = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>The tokens the login gave: the access token, and the refresh token if the provider issued one.</summary>
    public static async Task<(string AccessToken, string? RefreshToken)> RunAsync(
        HttpClient http, Uri provider, string clientId, IEnumerable<string> scopes, TextWriter prompt, CancellationToken ct)
    {
        using var discovery = await GetJsonAsync(http, new Uri(provider.ToString().TrimEnd('/') + "/.well-known/openid-configuration"), ct);
        var deviceEndpoint = Text(discovery.RootElement, "device_authorization_endpoint")
            ?? throw new CliException(
                $"The OIDC provider at {provider} does not offer the device-code login; log in where a browser can be opened", ExitCodes.Unavailable);
        var tokenEndpoint = Text(discovery.RootElement, "token_endpoint")
            ?? throw new CliException($"The OIDC provider at {provider} names no token_endpoint", ExitCodes.Unavailable);

        using var device = await PostAsync(http, deviceEndpoint, [new("client_id", clientId), new("scope", string.Join(' ', scopes))], ct);
        if (device.Error is not null)
        {
            throw new CliException($"OIDC device-code login at {provider} failed: {device.Error}", ExitCodes.Unavailable);
        }

        var answer = device.Json.RootElement;
        var deviceCode = Text(answer, "device_code") ?? throw new CliException($"The OIDC provider at {provider} sent no device_code", ExitCodes.Unavailable);
        var where = Text(answer, "verification_uri_complete") ?? Text(answer, "verification_uri");
        await prompt.WriteLineAsync($"To log in, open {where} and enter the code {Text(answer, "user_code")}");

        var interval = TimeSpan.FromSeconds(Number(answer, "interval") ?? 5);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(Number(answer, "expires_in") ?? 600);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(interval, ct);
            using var token = await PostAsync(http, tokenEndpoint, [new("grant_type", Grant), new("device_code", deviceCode), new("client_id", clientId)], ct);
            switch (token.ErrorCode)
            {
                case null:
                    return (Text(token.Json.RootElement, "access_token") ?? throw new CliException($"The OIDC provider at {provider} sent no access_token", ExitCodes.Unavailable),
                        Text(token.Json.RootElement, "refresh_token"));
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                default:
                    throw new CliException($"OIDC device-code login at {provider} failed: {token.Error}", ExitCodes.Unavailable);
            }
        }

        throw new CliException("OIDC device-code login: the code expired before the login was done", ExitCodes.Unavailable);
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"The OIDC provider's discovery document {url} answered {(int)response.StatusCode} {response.ReasonPhrase}", ExitCodes.Unavailable);
        }

        return await ParseAsync(response, url.ToString(), ct);
    }

    private static async Task<OAuthAnswer> PostAsync(HttpClient http, string url, KeyValuePair<string, string>[] form, CancellationToken ct)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(url), content, ct);
        var json = await ParseAsync(response, url, ct);
        var errorCode = response.IsSuccessStatusCode ? null : Text(json.RootElement, "error") ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        var description = Text(json.RootElement, "error_description");
        return new OAuthAnswer(json, errorCode, errorCode is null ? null : description is null ? errorCode : $"{errorCode}: {description}");
    }

    private static async Task<JsonDocument> ParseAsync(HttpResponseMessage response, string url, CancellationToken ct)
    {
        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        }
        catch (JsonException e)
        {
            throw new CliException($"The OIDC provider's answer from {url} ({(int)response.StatusCode}) is not JSON", ExitCodes.Unavailable, e);
        }
    }

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    private sealed record OAuthAnswer(JsonDocument Json, string? ErrorCode, string? Error) : IDisposable
    {
        public void Dispose() => Json.Dispose();
    }
}
