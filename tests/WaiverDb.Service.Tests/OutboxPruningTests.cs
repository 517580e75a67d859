using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>Sent messages leave the outbox after MESSAGE_OUTBOX_RETENTION_HOURS; pending ones never do.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class OutboxPruningTests(RabbitMqBroker broker) : FedoraMessagingServiceFixture(broker, "prune")
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        base.ConfigureSettings(settings);
        // About a second.
        settings["MESSAGE_OUTBOX_RETENTION_HOURS"] = 0.0003;
    }

    [Fact]
    public async Task SentMessagesArePrunedAfterTheRetentionAndPendingOnesAreKept()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, RoutingKey("waiverdb.waiver.new"));
        await Broker.StopAppAsync();
        try
        {
            var list = new JsonArray(WaiverBody("a-1.0-1.fc40"), WaiverBody("b-1.0-1.fc40"), WaiverBody("c-1.0-1.fc40"));
            Assert.Equal(HttpStatusCode.Created, (await PostWaiversAsync(list)).Status);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(3, await OutboxRowsAsync());
        }
        finally
        {
            await Broker.StartAppAsync();
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
