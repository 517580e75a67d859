namespace WaiverDb.Service.Messaging;

/// <summary>A message bus the outbox dispatcher publishes to (<c>MESSAGE_PUBLISHER</c>).</summary>
internal interface IMessagePublisher : IAsyncDisposable
{
    /// <summary>
    /// Publishes <paramref name="messages"/> in order and waits for the broker to confirm them;
    /// returns, per message, null when it was confirmed or the reason it was not.
    /// </summary>
    Task<Exception?[]> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct);
}
