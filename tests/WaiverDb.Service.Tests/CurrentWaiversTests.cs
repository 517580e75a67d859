using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaiverDb.Service.Tests.Infrastructure;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Tests;

/// <summary>
/// waiverdb_waiver_current (migration 006), which answers GET /waivers/ without a subject,
/// test case or user: its triggers keep exactly the newest waiver of each key through
/// inserts, lists, deletes, hand-made updates and truncation, under concurrent writers too,
/// and the list and its `last` link agree with the waiver table itself.
/// </summary>
public sealed class CurrentWaiversTests : ServiceFixture
{
    // What the table must hold: the waivers no newer waiver of the same key replaces,
    // decided from the waiver table alone (NULL scenarios are one group, '' another).
    private const string ExpectedSql = """
        SELECT id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp"
        FROM waiver w
        WHERE NOT EXISTS (
            SELECT 1 FROM waiver n
            WHERE n.subject_type = w.subject_type AND n.subject_identifier = w.subject_identifier
              AND n.testcase = w.testcase AND n.scenario IS NOT DISTINCT FROM w.scenario
              AND n.username = w.username AND n.product_version = w.product_version AND n.id > w.id)
        ORDER BY id
        """;

    private const string ActualSql = """
        SELECT id, subject_type, subject_identifier, testcase, scenario, username, proxied_by, product_version, "timestamp"
        FROM waiverdb_waiver_current
        ORDER BY id
        """;

    // Keys from a small domain, so that inserts replace each other often.
    private const string InsertSql = """
        INSERT INTO waiver (subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                            product_version, waived, comment, "timestamp")
        SELECT 'koji_build', 'pkg' || (k % 3), 'test' || (k / 3 % 3),
               CASE k / 9 % 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'x86_64' END,
               'user' || (k / 27 % 2), CASE WHEN k % 2 = 0 THEN 'bodhi' END, 'fedora-' || (40 + k / 54 % 2),
               true, 'random', timestamp '2026-01-01' + k * interval '1 minute'
        FROM unnest(@keys::int[]) AS k
        """;

    [Fact]
    public async Task TheTableHoldsTheNewestWaiverOfEachKeyThroughEveryKindOfChange()
    {
        var random = new Random(20261126);
        await using var db = OpenDatabase();
        for (var step = 0; step < 120; step++)
        {
            var pick = random.Next(10);
            if (pick < 6)
            {
                // One waiver or a list, keys possibly repeated within it.
                var keys = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(108)).ToArray();
                await db.ExecuteAsync(InsertSql, new { keys });
            }
            else if (pick < 8)
            {
                // Removing a current waiver hands its key to the next newest; an obsolete one changes nothing.
                await db.ExecuteAsync("DELETE FROM waiver WHERE id IN (SELECT id FROM waiver ORDER BY random() LIMIT @n)", new { n = random.Next(1, 4) });
            }
            else if (pick == 8)
            {
                await db.ExecuteAsync("UPDATE waiver SET username = 'user' || (id % 2), comment = 'edited' WHERE id % 7 = @r", new { r = random.Next(7) });
            }
            else
            {
                await db.ExecuteAsync("UPDATE waiver SET comment = 'only the comment' WHERE id % 5 = 0");
            }

            if (random.Next(4) == 0)
            {
                await Compactor.CompactAsync(CancellationToken.None);
            }

            await AssertCurrentAsync(db, $"after step {step}");
        }

        Assert.True(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_waiver_current") > 20);
        await db.ExecuteAsync("TRUNCATE waiver");
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_waiver_current"));
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_waiver_current_count"));
    }

    [Fact]
    public async Task FoldingLeavesOneRowPerProductVersionWithTheSameSums()
    {
        await using var db = OpenDatabase();
        foreach (var chunk in Enumerable.Range(0, 108).Chunk(9))
        {
            await db.ExecuteAsync(InsertSql, new { keys = chunk });
        }

        await db.ExecuteAsync("DELETE FROM waiver WHERE id % 4 = 0");
        Assert.True(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_waiver_current_count") > 2);

        await Compactor.CompactAsync(CancellationToken.None);

        Assert.Equal(
            ["fedora-40", "fedora-41"],
            await db.QueryAsync<string>("SELECT product_version FROM waiverdb_waiver_current_count ORDER BY product_version"));
        await AssertCurrentAsync(db, "after folding");
    }

    [Fact]
    public async Task ConcurrentListsOverTheSameKeysInOppositeOrdersAllCommitAndKeepTheNewest()
    {
        // Each list names the same 30 keys, half of them reversed: with row-by-row upserts two
        // of them would wait on each other's keys and one would die in a deadlock.
        var bodies = Enumerable.Range(0, 16).Select(i =>
        {
            var keys = Enumerable.Range(0, 30).Select(k => WaiverBody($"pkg-{k}-1.0-1.fc41", change: b => b["comment"] = $"writer {i}"));
            return new JsonArray([.. (i % 2 == 0 ? keys : keys.Reverse())]);
        }).ToList();

        // The change rows are folded meanwhile, as every replica does every few seconds.
        using var folding = new CancellationTokenSource();
        var compacting = Task.Run(async () =>
        {
            while (!folding.IsCancellationRequested)
            {
                await Compactor.CompactAsync(CancellationToken.None);
            }
        });
        var results = await Task.WhenAll(bodies.Select(body => PostWaiversAsync(body)));
        await folding.CancelAsync();
        await compacting;

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        await using var db = OpenDatabase();
        await AssertCurrentAsync(db, "after 16 concurrent lists");
        Assert.Equal(30, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_waiver_current"));
        Assert.Equal(480, await CountWaiversAsync());
    }

    [Fact]
    public async Task UnfilteredPagesAndTheLastLinkFollowTheCurrentWaiversNewestFirst()
    {
        await using var db = OpenDatabase();
        await db.ExecuteAsync(InsertSql, new { keys = Enumerable.Range(0, 400).Select(i => i * 7 % 108).ToArray() });
        var expected = (await db.QueryAsync<int>($"SELECT id FROM ({ExpectedSql}) e ORDER BY \"timestamp\" DESC, id DESC")).ToList();
        Assert.Equal(108, expected.Count);

        var seen = new List<int>();
        for (var page = 1; page <= 6; page++)
        {
            var body = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/?limit=20&page={page}");
            seen.AddRange(body.DataIds());
            Assert.EndsWith("page=6&limit=20", (string?)body["last"]);
            Assert.Equal(page == 6 ? null : $"page={page + 1}&limit=20", ((string?)body["next"])?.Split('?')[1]);
        }

        Assert.Equal(expected, seen);
        var past = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=20&page=7");
        AssertJson("""{"data": [], "prev": null, "next": null, "first": null, "last": null}""", past);
    }

    [Theory]
    [InlineData("product_version=fedora-41", "product_version = 'fedora-41'")]
    [InlineData("proxied_by=bodhi", "proxied_by = 'bodhi'")]
    [InlineData("scenario=x86_64", "scenario = 'x86_64'")]
    [InlineData("subject_type=koji_build&product_version=fedora-40", "product_version = 'fedora-40'")]
    [InlineData("since=2026-01-01T01:00:00,2026-01-01T02:00:00", "\"timestamp\" BETWEEN '2026-01-01T01:00:00' AND '2026-01-01T02:00:00'")]
    public async Task FiltersWithoutASubjectTestcaseOrUserCountOnlyTheirCurrentWaivers(string query, string where)
    {
        await using var db = OpenDatabase();
        await db.ExecuteAsync(InsertSql, new { keys = Enumerable.Range(0, 300).Select(i => i * 11 % 108).ToArray() });
        var expected = (await db.QueryAsync<int>($"SELECT id FROM ({ExpectedSql}) e WHERE {where} ORDER BY \"timestamp\" DESC, id DESC")).ToList();
        Assert.NotEmpty(expected);

        var body = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/?{query}&limit=1000");

        Assert.Equal(expected, body.DataIds());
        var pages = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/?{query}&limit=5");
        var last = (int)Math.Ceiling(expected.Count / 5.0);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"page={last}&"), (string?)pages["last"]);
    }

    [Fact]
    public async Task IncludingObsoleteWaiversStillListsEveryRow()
    {
        await using var db = OpenDatabase();
        await db.ExecuteAsync(InsertSql, new { keys = Enumerable.Range(0, 50).Select(i => i % 10).ToArray() });

        var body = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?include_obsolete=1&limit=100");

        Assert.Equal(50, body.DataIds().Length);
        Assert.Equal(10, (await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=100")).DataIds().Length);
    }

    [Fact]
    public async Task AFoldThatCannotReachTheDatabaseIsLoggedAndLeftForTheNextTick()
    {
        // Nothing listens on port 1: the fold fails, and must neither throw (an exception
        // escaping a BackgroundService stops the host) nor lose the rows, which stay for later.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Timeout=2;Username=waiverdb");
        using var log = new CapturedLog();
        using var loggers = new LoggerFactory([log]);
        var compactor = new CurrentCountCompactor(unreachable, loggers.CreateLogger<CurrentCountCompactor>());

        await compactor.CompactAsync(CancellationToken.None);

        Assert.Contains(log.Entries, e => e.Message.Contains("could not be compacted", StringComparison.Ordinal) && e.Exception is NpgsqlException);
    }

    private CurrentCountCompactor Compactor => Application.Services.GetRequiredService<CurrentCountCompactor>();

    private static async Task AssertCurrentAsync(NpgsqlConnection db, string when)
    {
        var expected = (await db.QueryAsync(ExpectedSql)).Select(r => (string)Describe(r)).ToList();
        var actual = (await db.QueryAsync(ActualSql)).Select(r => (string)Describe(r)).ToList();
        Assert.True(expected.SequenceEqual(actual), $"{when}:\nexpected {string.Join("\n         ", expected)}\nactual   {string.Join("\n         ", actual)}");

        // The change rows add up, per product version, to the current waivers.
        var counted = await db.QueryAsync<string>(
            "SELECT product_version || '=' || sum(n) FROM waiverdb_waiver_current_count GROUP BY product_version HAVING sum(n) <> 0 ORDER BY product_version");
        var current = await db.QueryAsync<string>(
            $"SELECT product_version || '=' || count(*) FROM ({ExpectedSql}) e GROUP BY product_version ORDER BY product_version");
        Assert.Equal(current, counted);
    }

    private static string Describe(dynamic row) =>
        string.Join(" | ", ((IDictionary<string, object?>)row).Select(c => $"{c.Key}={Convert.ToString(c.Value, CultureInfo.InvariantCulture) ?? "NULL"}"));
}
