using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Web.Tests.Infrastructure;

/// <summary>
/// The real service (its own process, Kestrel on a loopback port) on a database of its own in
/// the shared throwaway PostgreSQL cluster, signing browsers in at a WireMock.Net OIDC
/// provider. <see cref="Configure"/> adjusts the settings (environment variables).
/// </summary>
public abstract class WebService : IAsyncLifetime
{
    public const string Permissions = """
        [{"name": "test cases", "maintainers": ["qa@example.test"], "testcases": ["test*", "dist.*"], "users": ["alice"], "groups": ["packagers"]}]
        """;

    private ServiceProcess? _service;
    private string? _secretsFile;

    public OidcProvider Provider { get; } = new();

    public PostgresServer Postgres { get; private set; } = null!;

    public string DatabaseName { get; private set; } = string.Empty;

    public Uri BaseAddress => _service?.BaseAddress ?? throw new InvalidOperationException("not started");

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).AbsoluteUri;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.Shared;
        DatabaseName = await Postgres.CreateDatabaseAsync("waiverdb_web");
        Provider.EnableSignIn();
        var port = LoopbackPorts.Free();

        // The provider sends the browser back to the redirect URI registered for the client.
        var secrets = Provider.ClientSecrets();
        secrets["web"]!["redirect_uris"] = new JsonArray($"http://127.0.0.1:{port}/oidc_callback");
        _secretsFile = Path.Combine(Path.GetTempPath(), $"waiverdb-web-secrets-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_secretsFile, secrets.ToJsonString());

        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = Postgres.Uri(DatabaseName),
            ["DATABASE_CONNECT_TIMEOUT"] = "15",
            // Plain http on loopback needs DEVELOPMENT for the cookies (see the README's Web section).
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["OIDC"]""",
            ["OIDC_CLIENT_SECRETS"] = _secretsFile,
            ["SECRET_KEY"] = "a test secret of enough length",
            ["PERMISSIONS"] = Permissions,
            ["LOG_FORMAT"] = "text",
        };
        Configure(environment);
        _service = ServiceProcess.Start(environment, port);
        await _service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        Provider.Dispose();
        if (_secretsFile is not null)
        {
            File.Delete(_secretsFile);
        }

        NpgsqlConnection.ClearAllPools();
        if (DatabaseName.Length > 0)
        {
            await Postgres.DropDatabaseAsync(DatabaseName);
        }
    }

    /// <summary>Changes the service's environment before it starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> environment)
    {
    }

    /// <summary>Creates waivers through the API with <paramref name="user"/>'s bearer token; their ids, in order.</summary>
    public async Task<int[]> CreateWaiversAsync(string user, IEnumerable<JsonObject> waivers)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Provider.Token(user));
        var body = new JsonArray([.. waivers]);
        using var response = await client.PostAsync("/api/v1.0/waivers/", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return [.. JsonNode.Parse(text)!.AsArray().Select(w => (int)w!["id"]!)];
    }

    /// <summary>One stored waiver as the API returns it, or null.</summary>
    public async Task<JsonObject?> GetWaiverAsync(int id)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        using var response = await client.GetAsync($"/api/v1.0/waivers/{id}");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject() : null;
    }

    /// <summary>How many waivers match <paramref name="query"/> in the API's list.</summary>
    public async Task<int> CountAsync(string query)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/v1.0/waivers/?include_obsolete=true&limit=1000&{query}"))!;
        return page["data"]!.AsArray().Count;
    }

    public static JsonObject Waiver(string identifier, string testcase, string comment = "Known issue") => new()
    {
        ["subject_type"] = "koji_build",
        ["subject_identifier"] = identifier,
        ["testcase"] = testcase,
        ["product_version"] = "fedora-43",
        ["comment"] = comment,
    };
}

/// <summary>The service with OIDC sign-in, as production runs it.</summary>
public sealed class OidcWebService : WebService;

/// <summary>The service in development with dummy authentication: the plain sign-in page.</summary>
public sealed class DummyWebService : WebService
{
    protected override void Configure(Dictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["AUTH_METHODS"] = """["dummy"]""";
        environment.Remove("OIDC_CLIENT_SECRETS");
        environment.Remove("PERMISSIONS");
    }
}
