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
public sealed class AdminMessagingTests(RabbitMqBroker broker) : FedoraMessagingServiceFixture(broker, "admin")
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        base.ConfigureSettings(settings);
        settings["ADMINS"] = new JsonArray("root");
    }

    [Fact]
    public async Task ARevocationReachesNewWaiverConsumersAsAnOrdinaryWaiver()
    {
        await using var queue = await BrokerQueue.BindAsync(Broker, RoutingKey("waiverdb.waiver.new"));
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
        await using var deleted = await BrokerQueue.BindAsync(Broker, RoutingKey("waiverdb.waiver.deleted"));
        using var client = As("root");
        using var response = await client.DeleteAsync($"/api/v1.0/admin/waivers/{waiver["id"]}?reason=personal%20data");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = Assert.Single(await deleted.ReceiveAsync(1, Patience));
        Assert.Equal(RoutingKey("waiverdb.waiver.deleted"), message.RoutingKey);
        Assert.Equal("application/json", message.Properties.ContentType);
        AssertJson($$"""
            {"id": {{waiver["id"]}}, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
             "testcase": "dist.rpmdeplint", "scenario": null, "product_version": "fedora-27"}
            """, JsonNode.Parse(message.Body));
    }
}
