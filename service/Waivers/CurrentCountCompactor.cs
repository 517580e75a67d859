using Dapper;
using Npgsql;

namespace WaiverDb.Service.Waivers;

/// <summary>
/// Folds the change rows the triggers add to waiverdb_waiver_current_count (one per write,
/// see 006_create_waiver_current.sql) into one row per product version, so that counting
/// the current waivers for a list's <c>last</c> link sums a handful of rows, not one per
/// write since the start.
/// </summary>
public sealed partial class CurrentCountCompactor(NpgsqlDataSource database, ILogger<CurrentCountCompactor> logger) : BackgroundService
{
    // At Fedora's rate this folds a few rows; under a benchmark's thousands of writes a
    // second, still few enough that the sum stays well under a millisecond.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Deletes only the rows its snapshot sees and writes back exactly their sum, so rows
    // written meanwhile, or folded at the same time by another replica, are neither lost
    // nor counted twice (a row the other replica deleted first is skipped, not summed).
    private const string CompactSql = """
        WITH folded AS (
            DELETE FROM waiverdb_waiver_current_count
            WHERE product_version IN (
                SELECT product_version FROM waiverdb_waiver_current_count
                GROUP BY product_version HAVING count(*) > 1)
            RETURNING product_version, n)
        INSERT INTO waiverdb_waiver_current_count (product_version, n)
        SELECT product_version, sum(n) FROM folded GROUP BY product_version HAVING sum(n) <> 0
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CompactAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One fold; a failure (the database away, say) waits for the next tick.</summary>
    public async Task CompactAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(CompactSql, cancellationToken: ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong, the rows wait for the next tick: a failed fold must not
            // stop the host, which an exception escaping a BackgroundService does.
            LogCompactFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The current waiver count could not be compacted; trying again later")]
    private partial void LogCompactFailed(Exception error);
}
