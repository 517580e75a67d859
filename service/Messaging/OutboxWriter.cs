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
