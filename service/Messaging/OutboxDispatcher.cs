using Dapper;
using Npgsql;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// Drains <c>waiverdb_outbox</c>: locks a batch of pending rows in id order (<c>FOR UPDATE
/// SKIP LOCKED</c>, so replicas sharing the database each take different rows), publishes
/// them, marks the confirmed ones sent and commits. While the broker (or the database) is
/// down it retries with exponential backoff; after a restart the pending rows are still
/// there. Delivery is at least once: a crash between the broker's confirmation and the
/// commit sends the message again, with the same message id.
/// </summary>
internal sealed partial class OutboxDispatcher(
    NpgsqlDataSource database, OutboxWriter writer, IMessagePublisher publisher, WaiverDbSettings settings, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPruneInterval = TimeSpan.FromMinutes(10);

    private readonly MessagingSettings _bus = settings.MessageBus;

    private const string ClaimSql = """
        SELECT id, message_id, topic, body::text AS body
        FROM waiverdb_outbox
        WHERE sent_at IS NULL
        ORDER BY id
        LIMIT @batchSize
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkSentSql = """
        UPDATE waiverdb_outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY(@ids)
        """;

    private const string MarkFailedSql = """
        UPDATE waiverdb_outbox SET attempts = attempts + 1, last_error = @error WHERE id = ANY(@ids)
        """;

    private const string BacklogSql = """
        SELECT count(*) AS backlog, min(created_at) AS oldest FROM waiverdb_outbox WHERE sent_at IS NULL
        """;

    // In slices, so a large first prune does not hold one long transaction.
    private const string PruneSql = """
        DELETE FROM waiverdb_outbox
        WHERE id IN (SELECT id FROM waiverdb_outbox WHERE sent_at < now() - @retention LIMIT 10000)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        MessagingMetrics.Register();
        if (!_bus.Publish)
        {
            return;
        }

        // Off the start-up path: the host goes on starting while the first batch is sent.
        await Task.Yield();
        var failures = 0;
        var nextPrune = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (claimed, failed) = await DispatchBatchAsync(stoppingToken);
                await UpdateBacklogAsync(stoppingToken);
                if (failed)
                {
                    await DelayAsync(Backoff(++failures), stoppingToken);
                    continue;
                }

                failures = 0;
                if (claimed == _bus.BatchSize)
                {
                    continue;
                }

                if (DateTime.UtcNow >= nextPrune)
                {
                    await PruneAsync(stoppingToken);
                    nextPrune = DateTime.UtcNow + PruneInterval;
                }

                await writer.WaitAsync(_bus.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database is down or failed: the rows wait there for the next try.
                LogDatabaseFailed(e);
                await DelayAsync(Backoff(++failures), stoppingToken);
            }
        }

        await publisher.DisposeAsync();
    }

    /// <summary>One short transaction: lock a batch, publish it, mark what the broker confirmed.</summary>
    private async Task<(int Claimed, bool Failed)> DispatchBatchAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var batch = (await connection.QueryAsync<OutboxMessage>(
            new CommandDefinition(ClaimSql, new { batchSize = _bus.BatchSize }, transaction, cancellationToken: ct))).AsList();
        if (batch.Count == 0)
        {
            return (0, false);
        }

        var outcomes = await publisher.PublishAsync(batch, ct);
        var sent = batch.Where((_, i) => outcomes[i] is null).Select(m => m.Id).ToArray();
        var notSent = batch.Where((_, i) => outcomes[i] is not null).Select(m => m.Id).ToArray();
        if (sent.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { ids = sent }, transaction, cancellationToken: ct));
        }

        if (notSent.Length > 0)
        {
            var error = outcomes.First(o => o is not null)!;
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { ids = notSent, error = $"{error.GetType().Name}: {error.Message}" },
                transaction, cancellationToken: ct));
            LogPublishFailed(error, notSent.Length, sent.Length);
        }

        // Not the stopping token: what the broker confirmed must be recorded.
        await transaction.CommitAsync(CancellationToken.None);
        MessagingMetrics.SentOk.Inc(sent.Length);
        MessagingMetrics.Failed.Inc(notSent.Length);
        return (batch.Count, notSent.Length > 0);
    }

    private async Task UpdateBacklogAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var (backlog, oldest) = await connection.QuerySingleAsync<(long, DateTime?)>(new CommandDefinition(BacklogSql, cancellationToken: ct));
        MessagingMetrics.Backlog.Set(backlog);
        MessagingMetrics.SetOldestPending(oldest is { } o ? new DateTimeOffset(DateTime.SpecifyKind(o, DateTimeKind.Utc)) : null);
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        int deleted;
        do
        {
            deleted = await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { retention = _bus.Retention }, cancellationToken: ct));
            if (deleted > 0)
            {
                LogPruned(deleted);
            }
        }
        while (deleted == 10000);
    }

    // A short retention is pruned as often as it asks (down to the poll interval).
    private TimeSpan PruneInterval =>
        _bus.Retention < _bus.PollInterval ? _bus.PollInterval
        : _bus.Retention < MaxPruneInterval ? _bus.Retention
        : MaxPruneInterval;

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends at its next check.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay < _bus.RetryMaxDelay ? delay : _bus.RetryMaxDelay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Failed} message(s) failed ({Sent} sent); retrying with backoff")]
    private partial void LogPublishFailed(Exception error, int failed, int sent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox could not be read or updated; retrying with backoff")]
    private partial void LogDatabaseFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} sent message(s) from the outbox")]
    private partial void LogPruned(int count);
}
