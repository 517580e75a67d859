using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// A database that stops or crashes under the running service: requests answer 503 with a
/// JSON message instead of hanging, nothing half-written remains, and the service recovers
/// on its own when the database is back. Uses a cluster of its own to stop and start.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;
    private WaiverDbApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(allowExternal: false);
        _database = await _postgres.CreateDatabaseAsync();
        _app = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(_postgres.Uri(_database), s =>
        {
            s["DATABASE_CONNECT_TIMEOUT"] = 2;
            s["DATABASE_COMMAND_TIMEOUT"] = 5;
        }));
        _client = _app.CreateClient();
        // A request that hangs on a dead database fails the test rather than blocking it.
        _client.Timeout = TimeSpan.FromSeconds(30);
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("immediate")]
    public async Task RequestsAnswer503WhileTheDatabaseIsDownAndRecoverWhenItIsBack(string shutdown)
    {
        using (var before = await _client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver("before")))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        await _postgres.StopAsync(shutdown);

        foreach (var request in DownRequests())
        {
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var message = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"];
            Assert.False(string.IsNullOrEmpty(message));
            Assert.DoesNotContain("Npgsql", message, StringComparison.Ordinal);
        }

        var metrics = await _client.GetStringAsync("/api/v1.0/metrics");
        Assert.Matches(@"(?m)^waiverdb_database_errors_total [1-9]", metrics);
        Assert.Matches(@"(?m)^db_handle_error_total [1-9]", metrics);

        await _postgres.StartAgainAsync();
        await WaitForHealthyAsync();

        using (var after = await _client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver("after")))
        {
            Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        }

        var list = (await _client.GetFromJsonAsync<JsonObject>("/api/v1.0/waivers/?include_obsolete=true"))!;
        Assert.Equal(["after", "before"], list["data"]!.AsArray().Select(w => (string?)w!["comment"]));
        await using var db = new NpgsqlConnection(_postgres.ConnectionString(_database));
        Assert.Equal(2, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver"));
    }

    private IEnumerable<HttpRequestMessage> DownRequests()
    {
        yield return new HttpRequestMessage(HttpMethod.Get, "/healthcheck");
        yield return new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/waivers/");
        yield return new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/waivers/1");
        yield return new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/") { Content = JsonContent.Create(Waiver("lost")) };
        yield return new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/")
        {
            Content = JsonContent.Create(new JsonArray(Waiver("lost 1"), Waiver("lost 2"))),
        };
        yield return new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/+filtered")
        {
            Content = JsonContent.Create(new JsonObject { ["filters"] = new JsonArray(new JsonObject { ["testcase"] = "t" }) }),
        };
    }

    private async Task WaitForHealthyAsync()
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            using var response = await _client.GetAsync("/healthcheck");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(500);
        }

        using var last = await _client.GetAsync("/healthcheck");
        Assert.Fail("the service did not recover within 30 s of the database coming back: " + await last.Content.ReadAsStringAsync());
    }

    private static JsonObject Waiver(string comment) => new()
    {
        ["subject_type"] = "koji_build",
        ["subject_identifier"] = "bash-5.2-1.fc40",
        ["testcase"] = "dist.rpmdeplint",
        ["product_version"] = "fedora-40",
        ["comment"] = comment,
    };
}
