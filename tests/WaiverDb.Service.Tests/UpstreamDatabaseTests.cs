using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The service started on a database that upstream WaiverDB created adopts it: no row is
/// rewritten or lost, the legacy columns and Alembic's table stay, our index is added.
/// </summary>
public sealed class UpstreamDatabaseTests : IAsyncLifetime
{
    private const string RowsSql = """SELECT row_to_json(w)::text FROM (SELECT * FROM waiver ORDER BY id) w""";

    private PostgresServer _postgres = null!;
    private string _database = string.Empty;
    private List<string> _rowsBefore = [];

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync("waiverdb_upstream");
        await using var db = Open();
        await db.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Upstream", "upstream-schema.sql")));
        _rowsBefore = [.. await db.QueryAsync<string>(RowsSql)];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StartingOnAnUpstreamDatabaseKeepsEveryRowAndLegacyColumn()
    {
        await using (var app = Start())
        {
            using var response = await app.CreateClient().GetAsync("/healthcheck");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var db = Open();
        Assert.Equal(_rowsBefore, await db.QueryAsync<string>(RowsSql));
        Assert.Equal("3868a8118458", await db.ExecuteScalarAsync<string>("SELECT version_num FROM alembic_version"));
        var columns = (await db.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'waiver' ORDER BY column_name")).ToList();
        Assert.Contains("result_id", columns);
        Assert.Contains("subject", columns);
        Assert.True(await db.ExecuteScalarAsync<bool>("""
            SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = 'waiverdb_waiver_key_idx'
            """));
        Assert.True(await db.ExecuteScalarAsync<bool>("""
            SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = 'waiverdb_waiver_username_idx'
            """));
        Assert.Equal(
            ["001_create_waiver.sql", "002_waiver_key_index.sql", "003_create_outbox.sql", "004_waiver_username_index.sql",
             "005_create_admin_audit.sql", "006_create_waiver_current.sql"],
            (await db.QueryAsync<string>("SELECT scriptname FROM waiverdb_schema_versions ORDER BY schemaversionsid"))
                .Select(name => name.Split('.')[^2] + ".sql"));
    }

    [Fact]
    public async Task UpstreamRowsAreServedAndNewWaiversContinueTheirSequence()
    {
        await using var app = Start();
        using var client = app.CreateClient();

        var legacy = (await client.GetFromJsonAsync<JsonObject>("/api/v1.0/waivers/1"))!;
        Assert.Equal("""{"type":"koji_build","item":"glibc-2.25-1.fc26"}""", legacy["subject"]!.ToJsonString());
        Assert.Equal("2017-03-16T17:42:04.209638", (string?)legacy["timestamp"]);
        Assert.Equal("2019-05-06T07:08:09.500000", (string?)(await client.GetFromJsonAsync<JsonObject>("/api/v1.0/waivers/3"))!["timestamp"]);

        // Waiver 3 is obsolete (5 replaces it), so the default list hides it.
        var list = (await client.GetFromJsonAsync<JsonObject>("/api/v1.0/waivers/"))!;
        Assert.Equal([5, 2, 1], list["data"]!.AsArray().Select(w => (int)w!["id"]!));

        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("packager:x"u8.ToArray()));
        using var created = await client.PostAsJsonAsync("/api/v1.0/waivers/", new JsonObject
        {
            ["subject_type"] = "koji_build",
            ["subject_identifier"] = "gzip-1.9-2.fc27",
            ["testcase"] = "dist.abicheck",
            ["product_version"] = "fedora-27",
            ["comment"] = "after the switch",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (int)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        Assert.Equal(6, id);

        await using var db = Open();
        var legacyColumns = await db.QuerySingleAsync<(int? ResultId, string? Subject)>(
            "SELECT result_id, subject FROM waiver WHERE id = @id", new { id });
        Assert.Equal((null, null), legacyColumns);
    }

    [Fact]
    public async Task MigratingTwiceChangesNothing()
    {
        await using (var first = Start())
        {
            first.CreateClient().Dispose();
        }

        await using var db = Open();
        var journal = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_schema_versions");
        await using (var second = Start())
        {
            second.CreateClient().Dispose();
        }

        Assert.Equal(journal, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_schema_versions"));
        Assert.Equal(_rowsBefore, await db.QueryAsync<string>(RowsSql));
    }

    private WaiverDbApplication Start() =>
        new(WaiverDbApplication.DevelopmentSettings(_postgres.Uri(_database)));

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(_postgres.ConnectionString(_database));
        connection.Open();
        return connection;
    }
}
