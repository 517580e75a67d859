using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>How the OIDC method is configured: <c>OIDC_CLIENT_SECRETS</c> and the <c>OIDC_*</c> keys.</summary>
public sealed class OidcSettingsTests : IDisposable
{
    private const string Key = "OIDC_CLIENT_SECRETS";
    private readonly List<string> _files = [];

    public void Dispose() => _files.ForEach(File.Delete);

    private string TempFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-oidc-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }

    private static JsonObject Web(string issuer = "https://id.example/realms/fedora") => new()
    {
        ["issuer"] = issuer,
        ["client_id"] = "waiverdb",
        ["client_secret"] = "s3cret",
        ["token_introspection_uri"] = issuer + "/protocol/openid-connect/token/introspect",
        ["userinfo_uri"] = issuer + "/protocol/openid-connect/userinfo",
        ["auth_uri"] = issuer + "/protocol/openid-connect/auth",
        ["token_uri"] = issuer + "/protocol/openid-connect/token",
        ["redirect_uris"] = new JsonArray("https://waiverdb.example/oidc_callback"),
    };

    private WaiverDbSettings Load(Action<JsonObject>? change = null, string? secretsPath = null, JsonObject? web = null)
    {
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["AUTH_METHODS"] = new JsonArray("OIDC"),
            [Key] = secretsPath ?? TempFile(new JsonObject { ["web"] = web ?? Web() }.ToJsonString()),
        };
        change?.Invoke(settings);
        var path = TempFile(settings.ToJsonString());
        return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : null);
    }

    private IReadOnlyList<string> Problems(Action<JsonObject>? change = null, string? secretsPath = null, JsonObject? web = null) =>
        Assert.Throws<SettingsException>(() => Load(change, secretsPath, web)).Problems;

    [Fact]
    public void TheClientSecretsFileAndDefaultsAreRead()
    {
        var oidc = Load().Oidc!;

        Assert.Equal(new Uri("https://id.example/realms/fedora"), oidc.Issuer);
        Assert.Equal(("waiverdb", "s3cret", "waiverdb"), (oidc.ClientId, oidc.ClientSecret, oidc.Audience));
        Assert.Equal(new Uri("https://id.example/realms/fedora/protocol/openid-connect/token/introspect"), oidc.IntrospectionUri);
        Assert.Equal(("preferred_username", "realm_access.roles"), (oidc.UsernameField, oidc.GroupsField));
        Assert.Equal(TimeSpan.FromSeconds(60), oidc.IntrospectionCacheLifetime);
    }

    [Fact]
    public void TheOidcKeysOverrideTheDefaults()
    {
        var oidc = Load(s =>
        {
            s["OIDC_AUDIENCE"] = "account";
            s["OIDC_USERNAME_FIELD"] = "sub";
            s["OIDC_GROUPS_FIELD"] = "groups";
            s["OIDC_INTROSPECTION_CACHE_SECONDS"] = 5;
        }).Oidc!;

        Assert.Equal(("account", "sub", "groups", TimeSpan.FromSeconds(5)),
            (oidc.Audience, oidc.UsernameField, oidc.GroupsField, oidc.IntrospectionCacheLifetime));
    }

    [Fact]
    public void WithoutOidcInAuthMethodsNothingIsRead()
    {
        var settings = Load(s => (s["AUTH_METHODS"], s["DEVELOPMENT"], s[Key]) = (new JsonArray("dummy"), true, "/nonexistent/client_secrets.json"));

        Assert.Null(settings.Oidc);
    }

    [Fact]
    public void AMissingClientSecretsKeyIsNamed()
    {
        Assert.Equal([$"{Key}: is required when AUTH_METHODS includes OIDC (the path of client_secrets.json)"], Problems(s => s.Remove(Key)));
    }

    [Fact]
    public void OidcIsTheDefaultMethodOutsideDevelopmentAndNeedsItsFile()
    {
        Assert.Equal([$"{Key}: is required when AUTH_METHODS includes OIDC (the path of client_secrets.json)"],
            Problems(s => { s.Remove("AUTH_METHODS"); s.Remove(Key); }));
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var problem = Assert.Single(Problems(secretsPath: "/nonexistent/client_secrets.json"));

        Assert.StartsWith($"{Key}: cannot read '/nonexistent/client_secrets.json': ", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"web\": ", "is not valid JSON")]
    [InlineData("""{"installed": {}}""", "must hold an object with a \"web\" object, as client_secrets.json does")]
    [InlineData("[]", "must hold an object with a \"web\" object, as client_secrets.json does")]
    public void AnInvalidFileIsNamed(string text, string expected)
    {
        var path = TempFile(text);

        var problem = Assert.Single(Problems(secretsPath: path));

        Assert.StartsWith($"{Key}: '{path}' ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("client_id")]
    public void ARequiredFieldIsNamed(string field)
    {
        var web = Web();
        web.Remove(field);

        var problem = Assert.Single(Problems(web: web));

        Assert.EndsWith($"needs web.{field} as a non-empty string", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void IntrospectionNeedsTheClientSecret()
    {
        var web = Web();
        web.Remove("client_secret");

        var problem = Assert.Single(Problems(web: web));

        Assert.EndsWith("has a web.token_introspection_uri but no web.client_secret to call it with", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void APlainHttpIssuerIsRefusedUnlessOnLoopback()
    {
        var problems = Problems(web: Web("http://id.example/realms/fedora"));

        Assert.Equal(2, problems.Count);
        Assert.Contains("web.issuer 'http://id.example/realms/fedora' must be https (http only for localhost or with DEVELOPMENT)", problems[0], StringComparison.Ordinal);
        Assert.Equal(new Uri("http://127.0.0.1:8080/realms/test"), Load(web: Web("http://127.0.0.1:8080/realms/test")).Oidc!.Issuer);
        Assert.Equal(new Uri("http://localhost:8080/realms/test"), Load(web: Web("http://localhost:8080/realms/test")).Oidc!.Issuer);
    }

    [Theory]
    [InlineData("OIDC_INTROSPECTION_CACHE_SECONDS", "-1", "OIDC_INTROSPECTION_CACHE_SECONDS: must be between 0 and 3600")]
    [InlineData("OIDC_GROUPS_FIELD", "\"realm_access..roles\"", "OIDC_GROUPS_FIELD: must be a dotted path such as realm_access.roles")]
    [InlineData("OIDC_USERNAME_FIELD", "\"\"", "OIDC_USERNAME_FIELD: must name a claim, such as preferred_username or sub")]
    public void InvalidOidcKeysAreNamed(string key, string json, string expected)
    {
        Assert.Equal([expected], Problems(s => s[key] = JsonNode.Parse(json)));
    }

    [Fact]
    public async Task TheServiceRefusesToStartWithoutAUsableClientSecretsFile()
    {
        var settings = TempFile(new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@127.0.0.1:1/waiverdb",
            ["AUTH_METHODS"] = new JsonArray("OIDC"),
            [Key] = "/nonexistent/client_secrets.json",
        }.ToJsonString());

        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["WAIVERDB_CONFIG"] = settings });

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"{Key}: cannot read '/nonexistent/client_secrets.json'", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", service.Output, StringComparison.Ordinal);
    }
}
