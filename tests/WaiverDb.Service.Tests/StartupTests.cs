using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The service process as operators start it: settings from a file and same-named
/// environment variables, refused with a message naming the key when wrong, and the
/// <c>migrate</c> command. These run the real executable on a loopback port.
/// </summary>
public sealed class StartupTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _files = [];
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();
    }

    public Task DisposeAsync()
    {
        _files.ForEach(File.Delete);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheServiceServesOnWaiverDbListenWithSettingsFromFileAndEnvironment()
    {
        // The file gives the database; the environment adds a superuser list as JSON text.
        var settings = SettingsFile(new JsonObject
        {
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
            ["SUPERUSERS"] = new JsonArray("nobody"),
        });
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["WAIVERDB_CONFIG"] = settings,
            ["SUPERUSERS"] = """["bodhi"]""",
        });
        await service.WaitUntilHealthyAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        var config = (await client.GetFromJsonAsync<JsonObject>("/api/v1.0/config"))!;
        Assert.Equal("""["bodhi"]""", config["superusers"]!.ToJsonString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bodhi:x"u8.ToArray()));
        using var response = await client.PostAsJsonAsync("/api/v1.0/waivers", new JsonObject
        {
            ["subject_type"] = "koji_build",
            ["subject_identifier"] = "bash-5.2-1.fc40",
            ["testcase"] = "dist.rpmdeplint",
            ["product_version"] = "fedora-40",
            ["comment"] = "on behalf of a packager",
            ["username"] = "packager",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var waiver = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("packager", "bodhi"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
    }

    [Theory]
    [InlineData("sekrit", true)]
    [InlineData("wrong", false)]
    public async Task DatabasePasswordComesFromTheEnvironment(string password, bool accepted)
    {
        var role = "waiverdb_pw_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(_postgres.ConnectionString(_database)))
        {
            await admin.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'sekrit'; GRANT ALL ON SCHEMA public TO {role}");
        }

        await _postgres.RequirePasswordAsync(role);
        var uri = new UriBuilder(_postgres.Uri(_database)) { UserName = role, Password = string.Empty }.Uri.ToString();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = uri,
            ["DATABASE_PASSWORD"] = password,
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
        });

        if (accepted)
        {
            await service.WaitUntilHealthyAsync(StartTimeout);
            await using var db = new NpgsqlConnection(_postgres.ConnectionString(_database));
            Assert.Equal(role, await db.ExecuteScalarAsync<string>("SELECT tableowner FROM pg_tables WHERE tablename = 'waiver'"));
        }
        else
        {
            // Migrating at start-up fails: the service exits rather than serve without its schema.
            Assert.Equal(3, await service.WaitForExitAsync(StartTimeout));
            Assert.Contains("The database cannot be used at start-up: 28P01: password authentication failed", service.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"DEVELOPMENT": false, "AUTH_METHODS": ["dummy"]}""", "AUTH_METHODS: dummy accepts any password")]
    [InlineData("""{"AUTH_METHOD": "dummy"}""", "AUTH_METHOD: dummy accepts any password")]
    [InlineData("""{"DEVELOPMENT": true, "AUTH_METHODS": ["LDAP"]}""", "AUTH_METHODS: unknown method 'LDAP'")]
    [InlineData("""{"DEVELOPMENT": true, "SUPERUSERS": "bodhi"}""", "SUPERUSERS: must be a list of strings")]
    [InlineData("""{"DEVELOPMENT": true, "PERMISSION_MAPPING": {"dist.(": {"users": ["a"]}}}""", "PERMISSION_MAPPING: 'dist.(' is not a valid regular expression")]
    [InlineData("""{"DEVELOPMENT": true, "RESULTSDB_API_URL": "resultsdb"}""", "RESULTSDB_API_URL: 'resultsdb' is not an http(s) URL")]
    [InlineData("""{"DEVELOPMENT": true, "DATABASE_COMMAND_TIMEOUT": "soon"}""", "DATABASE_COMMAND_TIMEOUT: must be a number")]
    [InlineData("""{"DEVELOPMENT": true, "CORS_ORIGINS": ["bodhi"]}""", "CORS_ORIGINS: 'bodhi' is not an origin")]
    [InlineData("""{"DEVELOPMENT": true, "CORS_ORIGINS": ["*"], "CORS_SUPPORTS_CREDENTIALS": true}""", "CORS_SUPPORTS_CREDENTIALS: cannot be true while CORS_ORIGINS allows any origin")]
    [InlineData("""{"DEVELOPMENT": true, "DATABASE_URI": "mysql://db/waiverdb"}""", "DATABASE_URI: must look like postgresql://")]
    [InlineData("""{"DEVELOPMENT": true, "DATABASE_URI": null}""", "DATABASE_URI: is required")]
    [InlineData("""{"DEVELOPMENT": true, "PERMISSIONS": [{"name": "x", "testcases": []}]}""", "PERMISSIONS: entry 0 (x) lists no testcases")]
    [InlineData("""{"DEVELOPMENT": true,""", "is not valid JSON")]
    public async Task InvalidSettingsStopStartUpWithAMessageNamingTheKey(string file, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-bad-{Guid.NewGuid():N}.json");
        _files.Add(path);
        var text = file.Contains("DATABASE_URI", StringComparison.Ordinal) || !file.EndsWith('}')
            ? file
            : file[..^1] + $", \"DATABASE_URI\": \"{_postgres.Uri(_database)}\"}}";
        await File.WriteAllTextAsync(path, text);

        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["WAIVERDB_CONFIG"] = path });

        Assert.Equal(2, await service.WaitForExitAsync(StartTimeout));
        Assert.Contains(expected, service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingSettingsFileNamedByWaiverDbConfigIsRefused()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["WAIVERDB_CONFIG"] = "/nonexistent/waiverdb.json" });

        Assert.Equal(2, await service.WaitForExitAsync(StartTimeout));
        Assert.Contains("WAIVERDB_CONFIG: the settings file '/nonexistent/waiverdb.json' does not exist", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMigrateCommandCreatesTheSchemaAndExits()
    {
        var database = await _postgres.CreateDatabaseAsync();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = _postgres.Uri(database),
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
        }, "migrate");

        Assert.Equal(0, await service.WaitForExitAsync(StartTimeout));
        await using var db = new NpgsqlConnection(_postgres.ConnectionString(database));
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver"));
        // Every embedded script ran once.
        var scripts = typeof(Program).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.True(scripts >= 5, $"{scripts} migration scripts embedded");
        Assert.Equal(scripts, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_schema_versions"));
    }

    private string SettingsFile(JsonObject settings)
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, settings.ToJsonString());
        _files.Add(path);
        return path;
    }
}
