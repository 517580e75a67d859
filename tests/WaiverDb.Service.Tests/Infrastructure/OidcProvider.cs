using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// An OIDC provider on loopback (WireMock.Net): discovery document, JWKS and an RFC 7662
/// introspection endpoint, with RSA keys made here to sign the tests' tokens, and the
/// client_secrets.json the service is configured with.
/// </summary>
public sealed partial class OidcProvider : IDisposable
{
    public const string ClientId = "waiverdb";
    public const string ClientSecret = "s3cret:with/odd chars";
    private const string RealmPath = "/realms/test";
    private static readonly Guid JwksMapping = Guid.NewGuid();
    private static readonly Guid DiscoveryMapping = Guid.NewGuid();
    private readonly JsonWebTokenHandler _tokens = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly List<RSA> _rsas = [];

    public OidcProvider()
    {
        Server = WireMockServer.Start();
        Issuer = Server.Url + RealmPath;
        Key = NewKey("key-1");
        PublishDiscovery(Discovery());
        PublishKeys(Key);
        SecretsFile = Path.Combine(Path.GetTempPath(), $"waiverdb-test-client-secrets-{Guid.NewGuid():N}.json");
        File.WriteAllText(SecretsFile, ClientSecrets().ToJsonString());
    }

    public WireMockServer Server { get; }

    public string Issuer { get; }

    public string IntrospectionUri => Issuer + "/protocol/openid-connect/token/introspect";

    /// <summary>The published signing key.</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>A client_secrets.json for this provider (the path the service is given as OIDC_CLIENT_SECRETS).</summary>
    public string SecretsFile { get; }

    /// <summary>How Basic credentials for introspection must look (RFC 6749 2.3.1: form-encoded first).</summary>
    public static string ExpectedBasic =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(ClientId) + ":" + Uri.EscapeDataString(ClientSecret)));

    public JsonObject ClientSecrets() => new()
    {
        ["web"] = new JsonObject
        {
            ["issuer"] = Issuer,
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["token_introspection_uri"] = IntrospectionUri,
            ["userinfo_uri"] = Issuer + "/protocol/openid-connect/userinfo",
            ["auth_uri"] = Issuer + "/protocol/openid-connect/auth",
            ["token_uri"] = Issuer + "/protocol/openid-connect/token",
            ["redirect_uris"] = new JsonArray("https://waiverdb.example/oidc_callback"),
        },
    };

    /// <summary>The discovery document (<c>.well-known/openid-configuration</c>).</summary>
    public JsonObject Discovery() => new()
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = Issuer + "/protocol/openid-connect/certs",
        ["introspection_endpoint"] = IntrospectionUri,
        ["token_endpoint"] = Issuer + "/protocol/openid-connect/token",
        ["authorization_endpoint"] = Issuer + "/protocol/openid-connect/auth",
    };

    /// <summary>Replaces the discovery document.</summary>
    public void PublishDiscovery(JsonObject document) =>
        Server.Given(Request.Create().WithPath(RealmPath + "/.well-known/openid-configuration").UsingGet())
            .WithGuid(DiscoveryMapping)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(document.ToJsonString()));

    /// <summary>A new RSA key with <paramref name="kid"/> (not published until <see cref="PublishKeys"/>).</summary>
    public RsaSecurityKey NewKey(string kid)
    {
        var rsa = RSA.Create(2048);
        _rsas.Add(rsa);
        return new RsaSecurityKey(rsa) { KeyId = kid };
    }

    /// <summary>The same key material under another kid.</summary>
    public static RsaSecurityKey WithKid(RsaSecurityKey key, string kid) => new(key.Rsa) { KeyId = kid };

    /// <summary>Replaces the JWKS with the public halves of <paramref name="keys"/>.</summary>
    public void PublishKeys(params RsaSecurityKey[] keys)
    {
        var jwks = new JsonArray();
        foreach (var key in keys)
        {
            var parameters = key.Rsa.ExportParameters(false);
            jwks.Add(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }

        Server.Given(Request.Create().WithPath(RealmPath + "/protocol/openid-connect/certs").UsingGet())
            .WithGuid(JwksMapping)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject { ["keys"] = jwks }.ToJsonString()));
    }

    /// <summary>A signed access token for <paramref name="user"/>; <paramref name="change"/> edits it before signing.</summary>
    public string Token(string user = "alice", string[]? roles = null, RsaSecurityKey? key = null, Action<SecurityTokenDescriptor>? change = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(10),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "id-of-" + user,
                ["preferred_username"] = user,
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = roles ?? ["offline_access"] },
            },
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        };
        change?.Invoke(descriptor);
        return _tokens.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public string UnsignedToken(string user = "alice")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["iss"] = Issuer, ["aud"] = ClientId, ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + 600, ["preferred_username"] = user,
        };
        return Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString()) + ".";
    }

    /// <summary>The introspection endpoint answers <paramref name="answer"/> for <paramref name="token"/> when asked with the client's credentials.</summary>
    public void Introspects(string token, JsonObject answer, int status = 200) =>
        Json(Request.Create().WithPath(RealmPath + "/protocol/openid-connect/token/introspect").UsingPost()
                .WithHeader("Authorization", ExpectedBasic)
                .WithBody((string? body) => body is not null && body.Split('&').Contains("token=" + Uri.EscapeDataString(token))),
            answer, status);

    /// <summary>How many introspection requests arrived.</summary>
    public int IntrospectionCalls =>
        Server.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/token/introspect", StringComparison.Ordinal));

    /// <summary>A client sending <paramref name="token"/> as its bearer token.</summary>
    public static HttpClient WithBearer(HttpClient client, string token)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        File.Delete(SecretsFile);
        _rsas.ForEach(rsa => rsa.Dispose());
    }

    private void Json(IRequestBuilder request, JsonObject body, int status = 200) =>
        Server.Given(request).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
}
