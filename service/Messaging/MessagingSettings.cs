using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>The message bus upstream's <c>MESSAGE_PUBLISHER</c> names.</summary>
public enum MessagePublisher
{
    /// <summary><c>fedmsg</c> (upstream's name) or <c>fedora-messaging</c>: AMQP 0-9-1 as fedora-messaging sends it.</summary>
    FedoraMessaging,

    /// <summary><c>stomp</c>: STOMP 1.2 to the destination of <c>STOMP_CONFIGS</c>.</summary>
    Stomp,
}

/// <summary>
/// Whether and where <c>waiverdb.waiver.new</c> is published, and how the outbox is
/// drained. With <see cref="Publish"/> false no outbox row is written at all.
/// </summary>
public sealed record MessagingSettings
{
    public static readonly MessagingSettings Disabled = new();

    /// <summary><c>MESSAGE_BUS_PUBLISH</c>.</summary>
    public bool Publish { get; init; }

    /// <summary><c>MESSAGE_PUBLISHER</c>.</summary>
    public MessagePublisher Publisher { get; init; } = MessagePublisher.FedoraMessaging;

    /// <summary><c>STOMP_CONFIGS</c>, when STOMP is the publisher.</summary>
    public StompSettings? Stomp { get; init; }

    /// <summary>fedora-messaging's own configuration (<c>FEDORA_MESSAGING_CONF</c>), when it is the publisher.</summary>
    public FedoraMessagingConfig? FedoraMessaging { get; init; }

    /// <summary><c>MESSAGE_OUTBOX_RETENTION_HOURS</c>: how long sent rows are kept (for audits and replays).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>MESSAGE_OUTBOX_POLL_SECONDS</c>: how often other replicas' rows are looked for.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>MESSAGE_OUTBOX_BATCH_SIZE</c>: rows locked and published per transaction.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary><c>MESSAGE_PUBLISH_RETRY_MAX_SECONDS</c>: the cap of the exponential backoff while the broker is down.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>MESSAGE_PUBLISH_TIMEOUT_SECONDS</c>: how long a connection or a broker confirmation may take.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The publisher <c>MESSAGE_PUBLISHER</c> names.</summary>
    internal static IMessagePublisher CreatePublisher(IServiceProvider services)
    {
        var settings = services.GetRequiredService<WaiverDbSettings>();
        return settings.MessageBus.Publisher switch
        {
            MessagePublisher.Stomp => ActivatorUtilities.CreateInstance<StompPublisher>(services),
            _ => ActivatorUtilities.CreateInstance<FedoraMessagingPublisher>(services),
        };
    }

    /// <summary>Reads the messaging keys; a bad one is a problem naming it.</summary>
    internal static MessagingSettings Read(SettingsSource source)
    {
        var publish = source.Bool("MESSAGE_BUS_PUBLISH", fallback: false);
        var publisherName = source.String("MESSAGE_PUBLISHER");
        var settings = new MessagingSettings
        {
            Publish = publish,
            Retention = TimeSpan.FromHours(source.Number("MESSAGE_OUTBOX_RETENTION_HOURS", 168, 0, 24 * 3650)),
            PollInterval = TimeSpan.FromSeconds(source.Number("MESSAGE_OUTBOX_POLL_SECONDS", 5, 0.05, 3600)),
            BatchSize = source.Integer("MESSAGE_OUTBOX_BATCH_SIZE", 100, 1, 10_000),
            RetryMaxDelay = TimeSpan.FromSeconds(source.Number("MESSAGE_PUBLISH_RETRY_MAX_SECONDS", 60, 0.1, 3600)),
            PublishTimeout = TimeSpan.FromSeconds(source.Number("MESSAGE_PUBLISH_TIMEOUT_SECONDS", 30, 1, 600)),
        };
        if (!publish)
        {
            return settings;
        }

        switch (publisherName?.Trim().ToLowerInvariant())
        {
            // Unset means fedora-messaging, the bus Fedora's deployments use.
            case null or "" or "fedmsg" or "fedora-messaging" or "fedora_messaging":
                return settings with
                {
                    Publisher = MessagePublisher.FedoraMessaging,
                    FedoraMessaging = FedoraMessagingConfig.Read(source),
                };
            case "stomp":
                return settings with { Publisher = MessagePublisher.Stomp, Stomp = StompSettings.Read(source) };
            case "kafka":
                source.Problem("MESSAGE_PUBLISHER", $"'{publisherName}' is not supported by this release; use fedmsg (fedora-messaging) or set MESSAGE_BUS_PUBLISH to false");
                return settings;
            default:
                source.Problem("MESSAGE_PUBLISHER", $"unknown publisher '{publisherName}' (known: fedmsg, fedora-messaging, stomp, kafka)");
                return settings;
        }
    }
}
