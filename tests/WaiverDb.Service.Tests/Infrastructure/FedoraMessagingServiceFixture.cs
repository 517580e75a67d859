using System.Text.Json.Nodes;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A <see cref="ServiceFixture"/> whose outbox publishes to the test RabbitMQ over
/// fedora-messaging: a configuration file of its own (removed afterwards), and a topic
/// prefix of its own, so that a queue bound to <see cref="RoutingKey"/> sees only this
/// test's messages although the broker is shared. The outbox is polled often and retried
/// soon, so that messages arrive while a test waits for them.
/// </summary>
public abstract class FedoraMessagingServiceFixture(RabbitMqBroker broker, string prefixName) : ServiceFixture
{
    private readonly string _topicPrefix = $"org.example.{prefixName}{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a test waits for messages: long enough for a loaded machine; only a failing test waits it out.</summary>
    protected static TimeSpan Patience { get; } = TimeSpan.FromSeconds(60);

    protected RabbitMqBroker Broker => broker;

    /// <summary>The <c>FEDORA_MESSAGING_CONF</c> file, for a second service instance to share.</summary>
    protected string ConfigPath { get; } = Path.Combine(Path.GetTempPath(), $"waiverdb-fedora-messaging-{Guid.NewGuid():N}.toml");

    /// <summary>The routing key the service publishes <paramref name="topic"/> under.</summary>
    protected string RoutingKey(string topic) => $"{_topicPrefix}.{topic}";

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigPath, $"""
            amqp_url = "{broker.AmqpUrl}"
            publish_exchange = "amq.topic"
            topic_prefix = "{_topicPrefix}"
            """);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(ConfigPath);
    }

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["MESSAGE_PUBLISHER"] = "fedmsg";
        settings["FEDORA_MESSAGING_CONF"] = ConfigPath;
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 0.2;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 1;
        settings["MESSAGE_PUBLISH_TIMEOUT_SECONDS"] = 5;
    }
}
