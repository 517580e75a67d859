using System.Net;
using System.Text.Json;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Oidc;

/// <summary>
/// The OIDC method's settings: the client registration from upstream's
/// <c>OIDC_CLIENT_SECRETS</c> file (its <c>web</c> object) and the keys that say which
/// claims name the user and the groups.
/// </summary>
public sealed record OidcSettings
{
    /// <summary>The issuer, as the tokens name it; its discovery document is at <c>/.well-known/openid-configuration</c> below it.</summary>
    public required Uri Issuer { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The client's secret, for introspection only; null when the file has none.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>RFC 7662 introspection endpoint for opaque tokens; null refuses opaque tokens.</summary>
    public Uri? IntrospectionUri { get; init; }

    /// <summary>The audience a JWT access token must name (<c>OIDC_AUDIENCE</c>, default the client id).</summary>
    public required string Audience { get; init; }

    /// <summary>The claim holding the user name (<c>OIDC_USERNAME_FIELD</c>).</summary>
    public string UsernameField { get; init; } = "preferred_username";

    /// <summary>The dotted path to the groups (<c>OIDC_GROUPS_FIELD</c>).</summary>
    public string GroupsField { get; init; } = "realm_access.roles";

    /// <summary>The file's <c>web.redirect_uris</c>: the first is where the web sign-in asks the provider to return (empty: built from the request).</summary>
    public IReadOnlyList<Uri> RedirectUris { get; init; } = [];

    /// <summary>How long an introspection answer is reused (<c>OIDC_INTROSPECTION_CACHE_SECONDS</c>).</summary>
    public TimeSpan IntrospectionCacheLifetime { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Reads <see cref="OidcSettings"/>; every problem is named by its key.</summary>
internal static class OidcSettingsReader
{
    private const string SecretsKey = "OIDC_CLIENT_SECRETS";

    /// <summary>The OIDC settings when <paramref name="methods"/> include OIDC, else null.</summary>
    public static OidcSettings? Read(SettingsSource source, IReadOnlyList<AuthMethod> methods, bool development)
    {
        if (!methods.Contains(AuthMethod.Oidc))
        {
            return null;
        }

        var usernameField = source.String("OIDC_USERNAME_FIELD") ?? "preferred_username";
        var groupsField = source.String("OIDC_GROUPS_FIELD") ?? "realm_access.roles";
        var audience = source.String("OIDC_AUDIENCE");
        var cacheSeconds = source.Number("OIDC_INTROSPECTION_CACHE_SECONDS", 60, 0, 3600);
        if (string.IsNullOrWhiteSpace(usernameField))
        {
            source.Problem("OIDC_USERNAME_FIELD", "must name a claim, such as preferred_username or sub");
        }

        if (groupsField.Split('.').Any(string.IsNullOrWhiteSpace))
        {
            source.Problem("OIDC_GROUPS_FIELD", "must be a dotted path such as realm_access.roles");
        }

        var path = source.String(SecretsKey);
        if (string.IsNullOrWhiteSpace(path))
        {
            source.Problem(SecretsKey, "is required when AUTH_METHODS includes OIDC (the path of client_secrets.json)");
            return null;
        }

        if (ReadWeb(source, path) is not { } web)
        {
            return null;
        }

        var issuer = Url(source, path, web, "issuer", development, required: true);
        var clientId = Text(source, path, web, "client_id", required: true);
        var clientSecret = Text(source, path, web, "client_secret", required: false);
        var introspection = Url(source, path, web, "token_introspection_uri", development, required: false);
        if (introspection is not null && clientSecret is null)
        {
            source.Problem(SecretsKey, $"'{path}' has a web.token_introspection_uri but no web.client_secret to call it with");
        }

        var redirectUris = RedirectUris(source, path, web, development);
        if (issuer is null || clientId is null)
        {
            return null;
        }

        return new OidcSettings
        {
            Issuer = issuer,
            ClientId = clientId,
            ClientSecret = clientSecret,
            IntrospectionUri = introspection,
            RedirectUris = redirectUris,
            Audience = string.IsNullOrWhiteSpace(audience) ? clientId : audience,
            UsernameField = usernameField,
            GroupsField = groupsField,
            IntrospectionCacheLifetime = TimeSpan.FromSeconds(cacheSeconds),
        };
    }

    private static JsonElement? ReadWeb(SettingsSource source, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            source.Problem(SecretsKey, $"cannot read '{path}': {e.Message}");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("web", out var web) && web.ValueKind == JsonValueKind.Object)
            {
                return web.Clone();
            }

            source.Problem(SecretsKey, $"'{path}' must hold an object with a \"web\" object, as client_secrets.json does");
            return null;
        }
        catch (JsonException e)
        {
            source.Problem(SecretsKey, $"'{path}' is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static List<Uri> RedirectUris(SettingsSource source, string path, JsonElement web, bool development)
    {
        var uris = new List<Uri>();
        if (!web.TryGetProperty("redirect_uris", out var list))
        {
            return uris;
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            source.Problem(SecretsKey, $"'{path}': web.redirect_uris must be a list of URLs");
            return uris;
        }

        foreach (var text in list.EnumerateArray().Select(item => item.GetString()!))
        {
            // A code sent to plain http on the network could be read on the way.
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || (uri.Scheme == "http" && !development && !IsLoopback(uri)))
            {
                source.Problem(SecretsKey, $"'{path}': web.redirect_uris entry '{text}' must be an https URL (http only for localhost or with DEVELOPMENT)");
                continue;
            }

            uris.Add(uri);
        }

        return uris;
    }

    private static string? Text(SettingsSource source, string path, JsonElement web, string name, bool required)
    {
        if (web.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            return text;
        }

        if (required || web.TryGetProperty(name, out _))
        {
            source.Problem(SecretsKey, $"'{path}' needs web.{name} as a non-empty string");
        }

        return null;
    }

    private static Uri? Url(SettingsSource source, string path, JsonElement web, string name, bool development, bool required)
    {
        if (Text(source, path, web, name, required) is not { } text)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            source.Problem(SecretsKey, $"'{path}': web.{name} '{text}' is not an http(s) URL");
            return null;
        }

        // Keys and token answers fetched over plain http could be forged on the way.
        if (uri.Scheme == "http" && !development && !IsLoopback(uri))
        {
            source.Problem(SecretsKey, $"'{path}': web.{name} '{text}' must be https (http only for localhost or with DEVELOPMENT)");
            return null;
        }

        return uri;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));
}
