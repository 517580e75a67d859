using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Oidc;

/// <summary>An introspection answer: the token's claims when active, else why it was refused.</summary>
internal sealed record IntrospectionResult(JsonElement? Claims, string? Failure);

/// <summary>
/// Checks opaque access tokens at the issuer's RFC 7662 introspection endpoint with the
/// client's credentials. Answers are reused for <see cref="OidcSettings.IntrospectionCacheLifetime"/>
/// (never past the token's own expiry), keyed by a hash of the token so no token is kept.
/// </summary>
internal sealed class OidcIntrospector(HttpClient http, WaiverDbSettings settings, TimeProvider time, ILogger<OidcIntrospector> logger) : IDisposable
{
    public const string HttpClientName = "oidc-introspection";

    // Bounded, so a flood of made-up tokens cannot grow memory without limit.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async Task<IntrospectionResult> IntrospectAsync(string token, CancellationToken ct)
    {
        var oidc = settings.Oidc ?? throw new InvalidOperationException("OIDC is not configured");
        if (oidc.IntrospectionUri is not { } endpoint)
        {
            return new(null, "the token is not a JWT and no web.token_introspection_uri is configured to check it");
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (_cache.TryGetValue(key, out IntrospectionResult? cached) && cached is not null)
        {
            return cached;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };

        // RFC 6749 2.3.1: the client id and secret are form-encoded before Basic encoding.
        var credentials = $"{Uri.EscapeDataString(oidc.ClientId)}:{Uri.EscapeDataString(oidc.ClientSecret ?? string.Empty)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        JsonElement answer;
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The OIDC introspection endpoint {Endpoint} answered {Status}", endpoint, (int)response.StatusCode);
                return new(null, $"the token could not be checked: the introspection endpoint answered {(int)response.StatusCode}");
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            answer = document.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("The OIDC introspection endpoint {Endpoint} could not be used: {Error}", endpoint, e.Message);
            return new(null, "the token could not be checked: the introspection endpoint did not answer");
        }

        var result = Judge(answer);
        var lifetime = oidc.IntrospectionCacheLifetime;
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var expSeconds))
        {
            var left = DateTimeOffset.FromUnixTimeSeconds(expSeconds) - time.GetUtcNow();
            lifetime = left < lifetime ? left : lifetime;
        }

        if (lifetime > TimeSpan.Zero)
        {
            _cache.Set(key, result, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
        }

        return result;
    }

    private IntrospectionResult Judge(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("active", out var active)
            || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return new(null, "the token could not be checked: the introspection answer has no active field");
        }

        if (active.ValueKind == JsonValueKind.False)
        {
            return new(null, "the token is not active");
        }

        // An active answer past its expiry is refused too: the cache may outlive it.
        if (answer.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
            && DateTimeOffset.FromUnixTimeSeconds(seconds) <= time.GetUtcNow())
        {
            return new(null, "the token has expired");
        }

        return new(answer, null);
    }

    public void Dispose() => _cache.Dispose();
}
