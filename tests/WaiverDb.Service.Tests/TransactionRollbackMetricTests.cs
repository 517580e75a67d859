using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>Upstream's <c>db_transaction_rollback</c> counts a list create the database refused halfway.</summary>
public sealed partial class TransactionRollbackMetricTests : ServiceFixture
{
    [Fact]
    public async Task AListCreateTheDatabaseRefusesHalfwayIsCountedAsARollback()
    {
        // The database refuses the second waiver of the list, after the first was inserted:
        // the transaction must be rolled back, and nothing stored.
        await using (var db = OpenDatabase())
        {
            await db.ExecuteAsync("""
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.comment = 'poison' THEN RAISE EXCEPTION 'poisoned waiver'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_poison BEFORE INSERT ON waiver FOR EACH ROW EXECUTE FUNCTION refuse_poison();
                """);
        }

        var before = await RollbacksAsync();
        Assert.NotNull(before);

        var list = new JsonArray(WaiverBody("first-1.0-1.fc40"), WaiverBody("second-1.0-1.fc40", change: b => b["comment"] = "poison"));
        var (status, body) = await PostWaiversAsync(list);

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.NotNull((string?)body["message"]);
        Assert.Equal(0, await CountWaiversAsync());
        // Other tests of this process may roll back too, so the count grows by at least one.
        Assert.True(await RollbacksAsync() >= before + 1, $"db_transaction_rollback_total stayed at {before}");
    }

    private async Task<double?> RollbacksAsync()
    {
        var exposition = await Anonymous.GetStringAsync("/api/v1.0/metrics");
        var match = RollbackLine().Match(exposition);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^db_transaction_rollback_total (\S+)$", RegexOptions.Multiline)]
    private static partial Regex RollbackLine();
}
