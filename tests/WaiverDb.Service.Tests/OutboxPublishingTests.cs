using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// waiverdb.waiver.new through the outbox to a real RabbitMQ, in fedora-messaging's wire
/// format: what a bound queue receives, and that broker outages, concurrent clients, two
/// service instances and a restart neither lose nor duplicate a message id.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed partial class OutboxPublishingTests(RabbitMqBroker broker) : FedoraMessagingServiceFixture(broker, "test")
{
    private string NewWaiverKey => RoutingKey("waiverdb.waiver.new");

    protected override void ConfigureSettings(JsonObject settings)
    {
        base.ConfigureSettings(settings);
        settings["MESSAGE_OUTBOX_BATCH_SIZE"] = 10;
    }

    [Fact]
    public async Task BoundQueueReceivesTheWaiverWithFedoraMessagingRoutingKeyHeadersAndBody()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, NewWaiverKey);
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody(change: b => b["scenario"] = "fedora.updates")));
        var apiText = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var message = Assert.Single(await queue.ReceiveAsync(1, Patience));
        Assert.Equal("amq.topic", message.Exchange);
        Assert.Equal(NewWaiverKey, message.RoutingKey);
        // The body is the API's text byte for byte, legacy subject and six-digit timestamp included.
        Assert.Equal(apiText, message.Body);
        var body = JsonNode.Parse(message.Body)!;
        AssertJson("""{"type": "koji_build", "item": "glibc-2.26-27.fc27"}""", body["subject"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", (string)body["timestamp"]!);

        var props = message.Properties;
        Assert.Equal("application/json", props.ContentType);
        Assert.Equal("utf-8", props.ContentEncoding);
        Assert.Equal(2, (int)props.DeliveryMode);
        Assert.Equal(0, props.Priority);
        Assert.Equal("base.message", message.Header("fedora_messaging_schema"));
        Assert.Equal(20, message.Header("fedora_messaging_severity"));
        Assert.Matches(SentAtFormat(), (string)message.Header("sent-at")!);
        var sentAt = DateTimeOffset.Parse((string)message.Header("sent-at")!, CultureInfo.InvariantCulture);
        Assert.InRange(sentAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        await using var db = OpenDatabase();
        var row = await db.QuerySingleAsync<(Guid MessageId, string Topic, int WaiverId)>(
            "SELECT message_id, topic, waiver_id FROM waiverdb_outbox");
        Assert.Equal(row.MessageId.ToString(), props.MessageId);
        Assert.Equal("waiverdb.waiver.new", row.Topic);
        Assert.Equal((int)body["id"]!, row.WaiverId);
        await WaitUntilAsync(async () => await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox WHERE sent_at IS NOT NULL") == 1);
    }

    [Fact]
    public async Task WaiversCreatedWhileTheBrokerIsStoppedArriveOnceEachWhenItStarts()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, NewWaiverKey);
        await Broker.StopAppAsync();
        try
        {
            // Ten lists of ten: creation does not wait for, or fail because of, the broker.
            for (var i = 0; i < 10; i++)
            {
                var list = new JsonArray([.. Enumerable.Range(0, 10).Select(j => (JsonNode)WaiverBody($"pkg-{i}-{j}-1.0-1.fc40"))]);
                var (status, created) = await PostWaiversAsync(list);
                Assert.Equal(HttpStatusCode.Created, status);
                Assert.Equal(10, created.AsArray().Count);
            }

            // The health check is about the database; the backlog shows the outage.
            using var health = await Anonymous.GetAsync("/healthcheck");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            await WaitUntilAsync(async () => await MetricAsync("waiverdb_outbox_backlog") == 100);
            Assert.True(await MetricAsync("waiverdb_outbox_oldest_pending_age_seconds") > 0);
        }
        finally
        {
            await Broker.StartAppAsync();
        }

        var messages = await queue.ReceiveAsync(100, Patience);
        messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
        await AssertOncePerOutboxRowAsync(messages, 100, inOrder: true);
        await WaitUntilAsync(async () => await MetricAsync("waiverdb_outbox_backlog") == 0);
    }

    [Fact]
    public async Task ThousandWaiversFromConcurrentClientsGiveThousandDistinctMessages()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, NewWaiverKey);
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var (status, body) = await PostWaiversAsync(WaiverBody($"pkg{i}-1.0-1.fc40"), user: $"user{i % 16}");
            Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        });

        var messages = await queue.ReceiveAsync(1000, Patience);
        messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
        // Not in id order: concurrent transactions commit out of the order they took ids in.
        await AssertOncePerOutboxRowAsync(messages, 1000);
        Assert.Equal(1000, messages.Select(m => (int)JsonNode.Parse(m.Body)!["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task TwoServiceInstancesOnOneDatabasePublishEachMessageOnce()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, NewWaiverKey);
        // The second instance is the real executable, so its metrics are its own.
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = Postgres.Uri(DatabaseName),
            ["DEVELOPMENT"] = "true",
            ["MESSAGE_BUS_PUBLISH"] = "true",
            ["MESSAGE_PUBLISHER"] = "fedora-messaging",
            ["FEDORA_MESSAGING_CONF"] = ConfigPath,
            ["MESSAGE_OUTBOX_POLL_SECONDS"] = "0.05",
            ["MESSAGE_OUTBOX_BATCH_SIZE"] = "5",
        };
        await using var second = ServiceProcess.Start(environment);
        await second.WaitUntilHealthyAsync(Patience);
        using var secondClient = new HttpClient { BaseAddress = second.BaseAddress };
        secondClient.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));

        // Waivers go in through both instances at once; each commit wakes its own instance's
        // dispatcher, and both find rows of the other's: they compete for every batch.
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            if (i % 2 == 0)
            {
                Assert.Equal(HttpStatusCode.Created, (await PostWaiversAsync(WaiverBody($"pkg{i}-1.0-1.fc40"))).Status);
            }
            else
            {
                using var body = Json(WaiverBody($"pkg{i}-1.0-1.fc40"));
                using var response = await secondClient.PostAsync("/api/v1.0/waivers/", body);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
        });

        var messages = await queue.ReceiveAsync(300, Patience);
        messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
        await AssertOncePerOutboxRowAsync(messages, 300);
        var secondSent = Metric(await secondClient.GetStringAsync("/api/v1.0/metrics"), "messaging_tx_sent_ok_total");
        Assert.True(secondSent is > 0 and < 300, $"the second instance sent {secondSent} of 300: both should have taken part\n{second.Output}");
    }

    [Fact]
    public async Task RestartedServiceSendsWhatWasPendingWhenItStopped()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, NewWaiverKey);
        await Broker.StopAppAsync();
        try
        {
            var list = new JsonArray([.. Enumerable.Range(0, 20).Select(j => (JsonNode)WaiverBody($"pkg-{j}-1.0-1.fc40"))]);
            Assert.Equal(HttpStatusCode.Created, (await PostWaiversAsync(list)).Status);
        }
        finally
        {
            await Application.DisposeAsync();
            await Broker.StartAppAsync();
        }

        // Nobody dispatches while the service is down.
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));

        await using var restarted = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), ConfigureSettings));
        using var started = restarted.CreateClient();
        var messages = await queue.ReceiveAsync(20, Patience);
        messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
        await AssertOncePerOutboxRowAsync(messages, 20, inOrder: true);
    }

    /// <summary>
    /// Exactly one message per outbox row, by message id, and every row marked sent; with
    /// <paramref name="inOrder"/> (one dispatcher), in the outbox's id order.
    /// </summary>
    private async Task AssertOncePerOutboxRowAsync(List<ReceivedMessage> messages, int expected, bool inOrder = false)
    {
        Assert.Equal(expected, messages.Count);
        await using var db = OpenDatabase();
        var ids = (await db.QueryAsync<Guid>("SELECT message_id FROM waiverdb_outbox ORDER BY id")).Select(g => g.ToString()).ToList();
        Assert.Equal(expected, ids.Count);
        Assert.Equal(ids.Order(), messages.Select(m => m.Properties.MessageId!).Order());
        if (inOrder)
        {
            Assert.Equal(ids, messages.Select(m => m.Properties.MessageId!));
        }

        await WaitUntilAsync(async () => await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox WHERE sent_at IS NULL") == 0);
    }

    private async Task<double?> MetricAsync(string name) =>
        Metric(await Anonymous.GetStringAsync("/api/v1.0/metrics"), name);

    private static double? Metric(string exposition, string name)
    {
        var match = Regex.Match(exposition, $@"^{Regex.Escape(name)} (\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true in time");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")]
    private static partial Regex SentAtFormat();
}
