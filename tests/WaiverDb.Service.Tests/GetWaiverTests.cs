using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Hosting;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

public sealed class GetWaiverTests : ServiceFixture
{
    [Fact]
    public async Task GettingAWaiverReturnsEveryFieldAsStored()
    {
        var created = await CreateAsync(WaiverBody(change: b =>
        {
            b["scenario"] = "fedora.updates-testing.x86_64";
            b["username"] = "carol";
            b["waived"] = false;
            b["comment"] = "Not fine after all";
        }), "bodhi");

        var waiver = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/{created.Id()}");

        JsonAssert.Equal(created, waiver);
        Assert.Equal(
            ["id", "subject_type", "subject_identifier", "subject", "testcase", "scenario", "username", "proxied_by",
             "product_version", "waived", "comment", "timestamp"],
            waiver.AsObject().Select(p => p.Key).ToArray());
        JsonAssert.Equal(
            $$"""
            {"id": {{created.Id()}}, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
             "subject": {"type": "koji_build", "item": "glibc-2.26-27.fc27"}, "testcase": "dist.rpmdeplint",
             "scenario": "fedora.updates-testing.x86_64", "username": "carol", "proxied_by": "bodhi",
             "product_version": "fedora-27", "waived": false, "comment": "Not fine after all",
             "timestamp": "{{(string?)created["timestamp"]}}"}
            """,
            waiver);
    }

    [Fact]
    public async Task GettingAComposeWaiverEchoesTheLegacyComposeSubject()
    {
        var created = await CreateAsync(WaiverBody("Fedora-27-20171110.n.1", change: b => b["subject_type"] = "compose"));

        var waiver = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/{created.Id()}");

        JsonAssert.Equal("""{"productmd.compose.id": "Fedora-27-20171110.n.1"}""", waiver["subject"]);
        Assert.Equal("compose", (string?)waiver["subject_type"]);
    }

    [Theory]
    [InlineData("2017-03-16T17:42:04", "2017-03-16T17:42:04.000000")]
    [InlineData("2017-03-16T17:42:04.2", "2017-03-16T17:42:04.200000")]
    [InlineData("2017-03-16T17:42:04.209638", "2017-03-16T17:42:04.209638")]
    public async Task TimestampIsWrittenWithExactlySixFractionalDigitsAndNoZone(string stored, string served)
    {
        var created = await CreateAsync(WaiverBody());
        await using (var db = OpenDatabase())
        {
            await db.SetTimestampAsync(created, stored);
        }

        var waiver = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/{created.Id()}");

        Assert.Equal(served, (string?)waiver["timestamp"]);
    }

    [Fact]
    public async Task AnObsoleteWaiverCanStillBeFetchedById()
    {
        var older = await CreateAsync(WaiverBody());
        await CreateAsync(WaiverBody(change: b => b["waived"] = false));

        var waiver = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/{older.Id()}");

        JsonAssert.Equal(older, waiver);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2")]
    [InlineData("2147483647")]
    public async Task UnknownIdIsNotFoundWithTheUpstreamMessage(string id)
    {
        await CreateAsync(WaiverBody());

        using var response = await Anonymous.GetAsync($"/api/v1.0/waivers/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal("""{"message": "Waiver not found"}""", await ReadJsonAsync(response));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1abc")]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    [InlineData("99999999999999999999")]
    public async Task IdThatIsNotAnIntIsNotFoundWithAJsonMessage(string id)
    {
        await CreateAsync(WaiverBody());

        using var response = await Anonymous.GetAsync($"/api/v1.0/waivers/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal(new JsonObject { ["message"] = JsonErrors.NotFound }, await ReadJsonAsync(response));
    }

    [Fact]
    public async Task CallbackWrapsTheWaiverAsJavaScript()
    {
        var created = await CreateAsync(WaiverBody());

        using var response = await Anonymous.GetAsync($"/api/v1.0/waivers/{created.Id()}?callback=jQuery123.cb");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Equal($"jQuery123.cb({created.ToJsonString()});", script);
    }
}
