using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// What consumers of a real RabbitMQ receive when an administrator revokes (the ordinary
/// <c>waiverdb.waiver.new</c> of the revocation) or removes (<c>waiverdb.waiver.deleted</c>
/// with the id and key) a waiver, over fedora-messaging.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class AdminMessagingTests(RabbitMqBroker broker) : ServiceFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _topicPrefix = $"org.example.admin{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string _configPath = Path.Combine(Path.GetTempPath(), $"waiverdb-admin-fedora-messaging-{Guid.NewGuid():N}.toml");

    public override async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_configPath, $"""
            amqp_url = "{broker.AmqpUrl}"
            publish_exchange = "amq.topic"
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
        settings["ADMINS"] = new JsonArray("root");
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["MESSAGE_PUBLISHER"] = "fedmsg";
        settings["FEDORA_MESSAGING_CONF"] = _configPath;
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 0.2;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 1;
        settings["MESSAGE_PUBLISH_TIMEOUT_SECONDS"] = 5;
    }

    [Fact]
    public async Task ARevocationReachesNewWaiverConsumersAsAnOrdinaryWaiver()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, $"{_topicPrefix}.waiverdb.waiver.new");
        var waiver = await CreateAsync(WaiverBody());
        Assert.Equal((int)waiver["id"]!, (int)JsonNode.Parse(Assert.Single(await queue.ReceiveAsync(1, Patience)).Body)!["id"]!);
        using var client = As("root");
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{waiver["id"]}/revoke", Json("""{"reason": "wrong build"}"""));
        var answer = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = Assert.Single(await queue.ReceiveAsync(1, Patience));
        Assert.Equal(answer["waiver"]!.ToJsonString(), message.Body);
        Assert.Equal("base.message", message.Header("fedora_messaging_schema"));
        Assert.False((bool)JsonNode.Parse(message.Body)!["waived"]!);
    }

    [Fact]
    public async Task ARemovalPublishesWaiverDeletedWithTheIdAndKeyOnly()
    {
        var waiver = await CreateAsync(WaiverBody(change: b => b["comment"] = "personal data"));
        await using var deleted = await BrokerQueue.BindAsync(broker, $"{_topicPrefix}.waiverdb.waiver.deleted");
        using var client = As("root");
        using var response = await client.DeleteAsync($"/api/v1.0/admin/waivers/{waiver["id"]}?reason=personal%20data");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = Assert.Single(await deleted.ReceiveAsync(1, Patience));
        Assert.Equal($"{_topicPrefix}.waiverdb.waiver.deleted", message.RoutingKey);
        Assert.Equal("application/json", message.Properties.ContentType);
        AssertJson($$"""
            {"id": {{waiver["id"]}}, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
             "testcase": "dist.rpmdeplint", "scenario": null, "product_version": "fedora-27"}
            """, JsonNode.Parse(message.Body));
    }
}
