using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Npgsql;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// Writes the <c>waiverdb.waiver.new</c> messages of new waivers into the outbox, inside the
/// transaction that stores the waivers, and wakes this process's dispatcher after the commit.
/// </summary>
public sealed class OutboxWriter(WaiverDbSettings settings)
{
    public const string WaiverNewTopic = "waiverdb.waiver.new";

    /// <summary>An administrator removed a waiver; the body is its id and key only.</summary>
    public const string WaiverDeletedTopic = "waiverdb.waiver.deleted";

    // At most one pending wake-up: the dispatcher drains everything each time it wakes.
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public bool Enabled => settings.MessageBus.Publish;

    // Message ids are random UUIDs (fedora-messaging uses uuid4); the body is the text the
    // API returns for the waiver, serialized by the same JSON context, so they never differ.
    private const string InsertSql = """
        INSERT INTO waiverdb_outbox (message_id, topic, body, waiver_id)
        SELECT m.message_id, @topic, m.body::json, m.waiver_id
        FROM unnest(@messageIds::uuid[], @bodies::text[], @waiverIds::integer[]) WITH ORDINALITY
             AS m(message_id, body, waiver_id, ordinal)
        ORDER BY m.ordinal
        """;

    /// <summary>Adds one message per waiver, in the caller's transaction; nothing when publishing is off.</summary>
    public async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Waiver> waivers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(waivers);
        if (!Enabled || waivers.Count == 0)
        {
            return;
        }

        var args = new
        {
            topic = WaiverNewTopic,
            messageIds = waivers.Select(_ => Guid.NewGuid()).ToArray(),
            bodies = waivers.Select(w => JsonSerializer.Serialize(w, WaiverDbJsonContext.Default.Waiver)).ToArray(),
            waiverIds = waivers.Select(w => w.Id).ToArray(),
        };
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, args, transaction, cancellationToken: ct));
    }

    private const string InsertOneSql = """
        INSERT INTO waiverdb_outbox (message_id, topic, body, waiver_id)
        VALUES (@messageId, @topic, @body::json, @waiverId)
        """;

    /// <summary>Adds one message of <paramref name="topic"/> about waiver <paramref name="waiverId"/>, in the caller's transaction.</summary>
    public async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string topic, string body, int waiverId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!Enabled)
        {
            return;
        }

        var args = new { messageId = Guid.NewGuid(), topic, body, waiverId };
        await connection.ExecuteAsync(new CommandDefinition(InsertOneSql, args, transaction, cancellationToken: ct));
    }

    // The new-waiver messages carry the waiver's comment and user; a removed waiver must not
    // live on in them, sent or not. A row the dispatcher is sending is locked, so this waits
    // for that batch to end.
    private const string ForgetWaiverSql = """
        DELETE FROM waiverdb_outbox WHERE waiver_id = @waiverId AND topic = @topic
        """;

    /// <summary>Deletes the <c>waiverdb.waiver.new</c> messages of waiver <paramref name="waiverId"/>, in the caller's transaction.</summary>
    public static async Task ForgetWaiverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int waiverId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.ExecuteAsync(new CommandDefinition(ForgetWaiverSql, new { waiverId, topic = WaiverNewTopic }, transaction,
            cancellationToken: ct));
    }

    /// <summary>After the commit of <paramref name="count"/> waivers: tells the dispatcher their messages are waiting.</summary>
    public void Committed(int count)
    {
        if (!Enabled)
        {
            MessagingMetrics.Stopped.Inc(count);
            return;
        }

        MessagingMetrics.ToSend.Inc(count);
        _wakeUps.Writer.TryWrite(true);
    }

    /// <summary>Waits for <see cref="Committed"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    internal async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await _wakeUps.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed: look anyway, for rows other replicas wrote.
        }
    }
}
