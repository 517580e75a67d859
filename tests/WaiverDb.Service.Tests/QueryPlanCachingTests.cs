using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WaiverDb.Service.Database;
using WaiverDb.Service.Messaging;
using WaiverDb.Service.Tests.Infrastructure;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The waiver query is prepared once per connection and, after PostgreSQL's five trial
/// custom plans, runs on its generic plan: a connection that only serves one-filter lists
/// (the CLI, Bodhi's look at one build) must not plan the statement again on every call.
/// </summary>
public sealed class QueryPlanCachingTests : ServiceFixture
{
    // Npgsql prepares a statement on its fifth use; PostgreSQL then tries five custom plans
    // before it may settle on the generic one: of 20 calls, 16 run prepared.
    private const int Calls = 20;

    private const string WaiverQueryStatement = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%WITH f AS (%'";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Enough waivers, spread over subjects and test cases, for the planner's estimates
        // to be those of a real table (on an almost empty one every plan costs the same).
        await using var db = OpenDatabase();
        await db.ExecuteAsync("""
            INSERT INTO waiver (subject_type, subject_identifier, testcase, username, product_version, waived, comment, "timestamp")
            SELECT 'koji_build', 'pkg' || (g % 2000) || '-1.0-1.fc41', 'test' || (g % 50), 'user' || (g % 30),
                   'fedora-41', true, 'seeded', timestamp '2026-01-01' + g * interval '1 minute'
            FROM generate_series(1, 20000) g
            """);
        await db.ExecuteAsync("ANALYZE waiver");
    }

    public static TheoryData<Obsolescence> Endpoints => new() { Obsolescence.PerUserAndProductVersion, Obsolescence.PerSubjectAndTestcase };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task OneFilterQueriesSettleOnTheGenericPlan(Obsolescence obsolescence)
    {
        // One connection, so every call lands on the same prepared statement.
        await using var dataSource = new NpgsqlDataSourceBuilder(Postgres.ConnectionString(DatabaseName) + ";Maximum Pool Size=1")
            .WithQueryDefaults().Build();
        var store = new WaiverStore(dataSource, Application.Services.GetRequiredService<OutboxWriter>());

        for (var i = 0; i < Calls; i++)
        {
            var (waivers, _) = await store.QueryAsync(
                new WaiverQuery([new FilterRow(SubjectIdentifier: $"pkg{i}-1.0-1.fc41")], IncludeObsolete: false, obsolescence, Limit: 5),
                CancellationToken.None);
            Assert.NotEmpty(waivers);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var (generic, custom) = await connection.QuerySingleAsync<(long Generic, long Custom)>(WaiverQueryStatement);
        Assert.True(custom <= 5 && generic >= 11, $"of {Calls} calls, the waiver query was planned afresh on {custom} and ran its generic plan on {generic}");
    }

    [Fact]
    public async Task ListsOfManyFiltersAndOfOneShareTheGenericPlan()
    {
        // Greenwave's calls of hundreds of filters and a packager's one-filter lists arrive
        // on the same pooled connections, in any order.
        await using var dataSource = new NpgsqlDataSourceBuilder(Postgres.ConnectionString(DatabaseName) + ";Maximum Pool Size=1")
            .WithQueryDefaults().Build();
        var store = new WaiverStore(dataSource, Application.Services.GetRequiredService<OutboxWriter>());

        for (var i = 0; i < Calls; i++)
        {
            var filters = Enumerable.Range(0, i % 2 == 0 ? 1 : 200)
                .Select(n => ((i * 200) + n) % 2000)
                .Select(k => new FilterRow(SubjectType: "koji_build", SubjectIdentifier: $"pkg{k}-1.0-1.fc41", Testcase: $"test{k % 50}"))
                .ToList();
            var (waivers, _) = await store.QueryAsync(new WaiverQuery(filters, IncludeObsolete: false, Obsolescence.PerSubjectAndTestcase), CancellationToken.None);
            Assert.NotEmpty(waivers);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        var (generic, custom) = await connection.QuerySingleAsync<(long Generic, long Custom)>(WaiverQueryStatement);
        Assert.True(custom <= 5 && generic >= 11, $"of {Calls} calls, the waiver query was planned afresh on {custom} and ran its generic plan on {generic}");
    }
}
