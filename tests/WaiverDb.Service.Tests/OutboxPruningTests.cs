using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>Sent messages leave the outbox after MESSAGE_OUTBOX_RETENTION_HOURS; pending ones never do.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class OutboxPruningTests(RabbitMqBroker broker) : ServiceFixture
{
    private readonly string _topicPrefix = $"org.example.prune{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string _configPath = Path.Combine(Path.GetTempPath(), $"waiverdb-fedora-messaging-{Guid.NewGuid():N}.toml");

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_configPath, $"""
            amqp_url = "{broker.AmqpUrl}"
            topic_prefix = "{_topicPrefix}"
            """);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_configPath);
    }

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["FEDORA_MESSAGING_CONF"] = _configPath;
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 0.2;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 1;
        // About a second.
        settings["MESSAGE_OUTBOX_RETENTION_HOURS"] = 0.0003;
    }

    [Fact]
    public async Task SentMessagesArePrunedAfterTheRetentionAndPendingOnesAreKept()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, $"{_topicPrefix}.waiverdb.waiver.new");
        await broker.StopAppAsync();
        try
        {
            var list = new JsonArray(WaiverBody("a-1.0-1.fc40"), WaiverBody("b-1.0-1.fc40"), WaiverBody("c-1.0-1.fc40"));
            Assert.Equal(HttpStatusCode.Created, (await PostWaiversAsync(list)).Status);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(3, await OutboxRowsAsync());
        }
        finally
        {
            await broker.StartAppAsync();
        }

        Assert.Equal(3, (await queue.ReceiveAsync(3, TimeSpan.FromSeconds(60))).Count);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await OutboxRowsAsync() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "sent rows were not pruned");
            await Task.Delay(200);
        }

        Assert.Equal(3, await CountWaiversAsync());
    }

    private async Task<long> OutboxRowsAsync()
    {
        await using var db = OpenDatabase();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox");
    }
}
