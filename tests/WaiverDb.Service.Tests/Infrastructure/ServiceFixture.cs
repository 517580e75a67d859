using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// Base of the API tests: each test (xunit makes a fixture per test) gets its own database,
/// migrated by the service itself at start-up, in the shared throwaway cluster, and the
/// service configured by <see cref="ConfigureSettings"/>.
/// </summary>
public abstract class ServiceFixture : IAsyncLifetime
{
    private WaiverDbApplication? _application;

    protected PostgresServer Postgres { get; private set; } = null!;

    protected string DatabaseName { get; private set; } = string.Empty;

    protected WaiverDbApplication Application => _application ?? throw new InvalidOperationException("not started");

    /// <summary>A client without credentials.</summary>
    protected HttpClient Anonymous { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Postgres = await PostgresServer.Shared;
        DatabaseName = await Postgres.CreateDatabaseAsync();
        _application = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), ConfigureSettings));
        Anonymous = _application.CreateClient();
    }

    public virtual async Task DisposeAsync()
    {
        if (_application is not null)
        {
            await _application.DisposeAsync();
        }

        // Every test has its own database. Left behind, their idle pooled connections (from
        // the migrator, DbUp and OpenDatabase) exceed max_connections over a run, and their
        // files fill the disk whenever the cluster's folder outlives the test process.
        NpgsqlConnection.ClearAllPools();
        if (DatabaseName.Length > 0)
        {
            try
            {
                await Postgres.DropDatabaseAsync(DatabaseName);
            }
            catch (NpgsqlException)
            {
                // A test that stopped the server leaves its database to the cluster's removal.
            }
        }
    }

    /// <summary>Changes the development settings for this test class.</summary>
    protected virtual void ConfigureSettings(JsonObject settings)
    {
    }

    /// <summary>A client that authenticates as <paramref name="user"/> with the dummy method.</summary>
    protected HttpClient As(string user)
    {
        var client = Application.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":anything")));
        return client;
    }

    protected NpgsqlConnection OpenDatabase()
    {
        var connection = new NpgsqlConnection(Postgres.ConnectionString(DatabaseName));
        connection.Open();
        return connection;
    }

    /// <summary>How many rows the waiver table holds: what an all-or-nothing create must leave unchanged.</summary>
    protected async Task<long> CountWaiversAsync()
    {
        await using var db = OpenDatabase();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver");
    }

    /// <summary>The stored row of waiver <paramref name="id"/>, by column name.</summary>
    protected async Task<IDictionary<string, object?>> StoredWaiverAsync(int id)
    {
        await using var db = OpenDatabase();
        return (IDictionary<string, object?>)await db.QuerySingleAsync("SELECT * FROM waiver WHERE id = @id", new { id });
    }

    /// <summary>Posts <paramref name="body"/> to <c>/waivers/</c> as <paramref name="user"/>: the status and the JSON answer.</summary>
    protected Task<(HttpStatusCode Status, JsonNode Body)> PostWaiversAsync(JsonNode body, string user = "alice") =>
        PostWaiversAsync(body.ToJsonString(), user);

    /// <summary>Posts the raw text <paramref name="body"/> to <c>/waivers/</c> as <paramref name="user"/>.</summary>
    protected async Task<(HttpStatusCode Status, JsonNode Body)> PostWaiversAsync(string body, string user = "alice")
    {
        using var client = As(user);
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(body));
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>Asserts that <paramref name="actual"/> is the JSON <paramref name="expected"/> (key order aside).</summary>
    protected static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual?.ToJsonString()}");

    /// <summary>A valid waiver body; <paramref name="change"/> edits it.</summary>
    protected static JsonObject WaiverBody(string identifier = "glibc-2.26-27.fc27", string testcase = "dist.rpmdeplint",
        Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["subject_type"] = "koji_build",
            ["subject_identifier"] = identifier,
            ["testcase"] = testcase,
            ["product_version"] = "fedora-27",
            ["comment"] = "This is fine",
        };
        change?.Invoke(body);
        return body;
    }

    protected static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    protected static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    /// <summary>Creates a waiver as <paramref name="user"/> and returns the stored waiver.</summary>
    protected async Task<JsonObject> CreateAsync(JsonObject body, string user = "alice")
    {
        using var client = As(user);
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    protected static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonNode.Parse(text)!;
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"not JSON ({(int)response.StatusCode}): {text}", e);
        }
    }

    protected static async Task<JsonNode> GetJsonAsync(HttpClient client, string url)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(url);
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }

    protected static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, JsonNode body) =>
        client.PostAsJsonAsync(url, body);
}
