namespace WaiverDb.Service.Messaging;

/// <summary>A pending row of <c>waiverdb_outbox</c>, as the dispatcher reads it.</summary>
internal sealed class OutboxMessage
{
    public long Id { get; init; }

    public Guid MessageId { get; init; }

    public string Topic { get; init; } = string.Empty;

    /// <summary>The JSON text, exactly as written.</summary>
    public string Body { get; init; } = string.Empty;
}
