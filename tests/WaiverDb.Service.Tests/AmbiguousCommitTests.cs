using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The connection to PostgreSQL breaks while COMMIT is on its way. When the server did
/// commit, the client must get its 201 (a 503 would make Bodhi retry and store the waiver
/// twice); when it did not, a 503 and nothing stored.
/// </summary>
public sealed class AmbiguousCommitTests : IAsyncLifetime
{
    private PostgresServer _postgres = null!;
    private CommitCuttingProxy _proxy = null!;
    private string _database = string.Empty;
    private WaiverDbApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(allowExternal: false);
        _database = await _postgres.CreateDatabaseAsync();
        _proxy = new CommitCuttingProxy(_postgres.Port);
        var throughProxy = _postgres.Uri(_database).Replace(
            ":" + _postgres.Port.ToString(CultureInfo.InvariantCulture) + "/",
            ":" + _proxy.Port.ToString(CultureInfo.InvariantCulture) + "/", StringComparison.Ordinal);
        _app = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(throughProxy));
        _client = _app.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(60);
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
        using var warmUp = await _client.GetAsync("/healthcheck");
        Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task AWaiverCommittedBeforeTheConnectionBrokeIsAnswered201AndStoredOnce()
    {
        _proxy.Arm(CommitCuttingProxy.Cut.AfterCommitReachedTheServer);

        using var response = await _client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver("committed"));

        Assert.Equal(1, _proxy.Cuts);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        Assert.Equal([id], await StoredIdsAsync("committed"));
    }

    [Fact]
    public async Task AListCommittedBeforeTheConnectionBrokeIsAnswered201WithEveryWaiver()
    {
        _proxy.Arm(CommitCuttingProxy.Cut.AfterCommitReachedTheServer);

        using var response = await _client.PostAsJsonAsync("/api/v1.0/waivers/",
            new JsonArray(Waiver("list", "a"), Waiver("list", "b"), Waiver("list", "c")));

        Assert.Equal(1, _proxy.Cuts);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(w => (int)w!["id"]!).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids, await StoredIdsAsync("list"));
    }

    [Fact]
    public async Task AWaiverWhoseCommitNeverReachedTheServerIsAnswered503AndNotStored()
    {
        _proxy.Arm(CommitCuttingProxy.Cut.BeforeCommitReachedTheServer);

        using var response = await _client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver("rolled-back"));

        Assert.Equal(1, _proxy.Cuts);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]));
        Assert.Empty(await StoredIdsAsync("rolled-back"));

        // The next request is served normally.
        using var next = await _client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver("after"));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    private async Task<List<int>> StoredIdsAsync(string subject)
    {
        await using var db = new NpgsqlConnection(_postgres.ConnectionString(_database));
        return [.. await db.QueryAsync<int>("SELECT id FROM waiver WHERE subject_identifier = @subject ORDER BY id", new { subject })];
    }

    private static JsonObject Waiver(string subject, string testcase = "test.case") => new()
    {
        ["subject_type"] = "koji_build",
        ["subject_identifier"] = subject,
        ["testcase"] = testcase,
        ["product_version"] = "fedora-43",
        ["waived"] = true,
        ["comment"] = "ambiguous commit",
    };
}
