using System.Text.Json.Nodes;
using WaiverDb.Service.Messaging;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>MESSAGE_BUS_PUBLISH, MESSAGE_PUBLISHER and fedora-messaging's TOML file, as the service reads them.</summary>
public sealed class OutboxSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("waiverdb-outbox-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private WaiverDbSettings Load(Action<JsonObject> change)
    {
        var path = Path.Combine(_directory, "settings.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
        };
        change(settings);
        File.WriteAllText(path, settings.ToJsonString());
        return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : null);
    }

    private string Toml(string text)
    {
        var path = Path.Combine(_directory, $"config-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, text);
        return path;
    }

    private string Problems(Action<JsonObject> change) =>
        Assert.Throws<SettingsException>(() => Load(change)).Message;

    [Fact]
    public void PublishingIsOffUnlessMessageBusPublishIsTrue()
    {
        var bus = Load(_ => { }).MessageBus;

        Assert.False(bus.Publish);
        Assert.Null(bus.FedoraMessaging);
    }

    [Theory]
    [InlineData("fedmsg")]
    [InlineData("fedora-messaging")]
    public void FedmsgAndFedoraMessagingReadFedoraMessagingsOwnFile(string publisher)
    {
        var path = Toml("""
            amqp_url = "amqps://waiverdb:secret@rabbitmq.fedoraproject.org/%2Fpubsub"
            publish_exchange = "amq.topic"
            topic_prefix = "org.fedoraproject.prod"

            [tls]
            ca_cert = "/etc/ssl/certs/ca-certificates.crt"

            [client_properties]
            app = "WaiverDB"
            """);
        var bus = Load(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["MESSAGE_PUBLISHER"] = publisher;
            s["FEDORA_MESSAGING_CONF"] = path;
        }).MessageBus;

        Assert.True(bus.Publish);
        Assert.Equal(MessagePublisher.FedoraMessaging, bus.Publisher);
        var config = bus.FedoraMessaging!;
        Assert.Equal(path, config.Path);
        Assert.Equal("rabbitmq.fedoraproject.org", config.AmqpUrl.Host);
        Assert.Equal("amq.topic", config.PublishExchange);
        Assert.Equal("org.fedoraproject.prod.waiverdb.waiver.new", config.RoutingKey("waiverdb.waiver.new"));
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", config.CaCert);
        Assert.DoesNotContain("secret", config.SafeUrl, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileMeansFedoraMessagingsDefaults()
    {
        var config = Load(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["FEDORA_MESSAGING_CONF"] = Path.Combine(_directory, "missing.toml");
        }).MessageBus.FedoraMessaging!;

        Assert.Null(config.Path);
        Assert.Equal(new Uri("amqp://localhost"), config.AmqpUrl);
        Assert.Equal("amq.topic", config.PublishExchange);
        Assert.Equal("waiverdb.waiver.new", config.RoutingKey("waiverdb.waiver.new"));
    }

    [Fact]
    public void WithoutTopicPrefixTheRoutingKeyIsTheTopic()
    {
        var path = Toml("""amqp_url = "amqp://" """);
        var config = Load(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["FEDORA_MESSAGING_CONF"] = path;
        }).MessageBus.FedoraMessaging!;

        Assert.Equal("localhost", config.AmqpUrl.Host);
        Assert.Equal("waiverdb.waiver.new", config.RoutingKey("waiverdb.waiver.new"));
    }

    [Theory]
    [InlineData("kafka", "MESSAGE_PUBLISHER: 'kafka' is not supported by this release")]
    [InlineData("amqp", "MESSAGE_PUBLISHER: unknown publisher 'amqp'")]
    public void UnsupportedPublishersStopStartUpNamingTheKey(string publisher, string problem)
    {
        Assert.Contains(problem, Problems(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["MESSAGE_PUBLISHER"] = publisher;
        }), StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedPublishersAreIgnoredWhilePublishingIsOff()
    {
        Assert.False(Load(s => s["MESSAGE_PUBLISHER"] = "kafka").MessageBus.Publish);
    }

    [Theory]
    [InlineData("amqp_url = ", "cannot be read as TOML")]
    [InlineData("amqp_url = \"http://broker\"", "amqp_url 'http://broker' is not an amqp:// or amqps:// URL")]
    [InlineData("topic_prefix = 5", "topic_prefix must be a string")]
    [InlineData("[tls]\nca_cert = \"/nonexistent/ca.crt\"", "[tls] ca_cert '/nonexistent/ca.crt' does not exist")]
    public void ABadFedoraMessagingFileIsAProblemNamingIt(string toml, string problem)
    {
        var path = Toml(toml);
        var message = Problems(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["FEDORA_MESSAGING_CONF"] = path;
        });

        Assert.Contains($"FEDORA_MESSAGING_CONF: ", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutboxTuningIsRead()
    {
        var bus = Load(s =>
        {
            s["MESSAGE_OUTBOX_RETENTION_HOURS"] = 24;
            s["MESSAGE_OUTBOX_BATCH_SIZE"] = 10;
            s["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 30;
        }).MessageBus;

        Assert.Equal((TimeSpan.FromDays(1), 10, TimeSpan.FromSeconds(30)), (bus.Retention, bus.BatchSize, bus.RetryMaxDelay));
        Assert.Contains("MESSAGE_OUTBOX_BATCH_SIZE: must be between 1 and 10000", Problems(s => s["MESSAGE_OUTBOX_BATCH_SIZE"] = 0), StringComparison.Ordinal);
    }

    [Fact]
    public void StompConfigsAreReadAsUpstreamWritesThem()
    {
        var bus = Load(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["MESSAGE_PUBLISHER"] = "stomp";
            s["STOMP_CONFIGS"] = JsonNode.Parse("""
                {"destination": "/topic/VirtualTopic.eng.waiverdb.waiver.new",
                 "connection": {"host_and_ports": [["broker01", "61612"], ["broker02", 61613]], "use_ssl": true},
                 "credentials": {"login": "waiverdb", "passcode": "secret"}}
                """);
        }).MessageBus;

        Assert.Equal(MessagePublisher.Stomp, bus.Publisher);
        var stomp = bus.Stomp!;
        Assert.Equal("/topic/VirtualTopic.eng.waiverdb.waiver.new", stomp.Destination);
        Assert.Equal([("broker01", 61612), ("broker02", 61613)], stomp.Brokers);
        Assert.True(stomp.UseSsl);
        Assert.Equal(("waiverdb", "secret"), (stomp.Login, stomp.Passcode));
    }

    [Theory]
    [InlineData(null, "STOMP_CONFIGS: is required when MESSAGE_PUBLISHER is stomp")]
    [InlineData("""{"connection": {"host_and_ports": [["b", 61613]]}}""", "STOMP_CONFIGS: destination is required")]
    [InlineData("""{"destination": "/topic/x", "connection": {"host_and_ports": [["b"]]}}""", "STOMP_CONFIGS: connection.host_and_ports: '[\"b\"]' is not a [host, port] pair")]
    [InlineData("""{"destination": "/topic/x", "connection": {"host_and_ports": [["b", 1]], "ssl_ca_certs": "/nonexistent/ca.pem"}}""", "STOMP_CONFIGS: connection.ssl_ca_certs '/nonexistent/ca.pem' does not exist")]
    public void BadStompConfigsStopStartUpNamingTheKey(string? configs, string problem)
    {
        var message = Problems(s =>
        {
            s["MESSAGE_BUS_PUBLISH"] = true;
            s["MESSAGE_PUBLISHER"] = "stomp";
            s["STOMP_CONFIGS"] = configs is null ? null : JsonNode.Parse(configs);
        });

        Assert.Contains(problem, message, StringComparison.Ordinal);
    }
}
