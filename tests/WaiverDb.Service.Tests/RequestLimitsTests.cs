using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// MAX_CONTENT_LENGTH, MAX_REQUEST_HEADERS_SIZE, MAX_FILTERS and MAX_WAIVERS_PER_REQUEST at
/// their defaults: what Bodhi and Greenwave send fits, anything larger is a 4xx JSON naming
/// the setting, and nothing is stored by a refused request.
/// </summary>
public sealed class RequestLimitsTests : ServiceFixture
{
    private const int MaxContentLength = 2 * 1024 * 1024;

    [Fact]
    public async Task AThousandWaiverListWithLongCommentsFitsTheBodyLimit()
    {
        var comment = new string('c', 1200);
        var list = new JsonArray([.. Enumerable.Range(0, 1000).Select(i =>
            (JsonNode)WaiverBody($"python-requests-2.31.0-{i}.fc40", "fedora-ci.koji-build.tier0.functional", b => b["comment"] = comment))]);
        var text = list.ToJsonString();
        Assert.InRange(Encoding.UTF8.GetByteCount(text), 1_300_000, MaxContentLength);

        var (status, body) = await PostWaiversAsync(text);

        Assert.True(status == HttpStatusCode.Created, body.ToJsonString()[..Math.Min(500, body.ToJsonString().Length)]);
        Assert.Equal(1000, body.AsArray().Count);
        Assert.Equal(1000, await CountWaiversAsync());
    }

    [Fact]
    public async Task ABodyOverMaxContentLengthIsA413NamingTheSetting()
    {
        var text = WaiverBody(change: b => b["comment"] = new string('x', MaxContentLength)).ToJsonString();

        var (status, error) = await PostWaiversAsync(text);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("The request body is larger than MAX_CONTENT_LENGTH (2097152 bytes)", (string?)error["message"]);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task AChunkedBodyWithoutLengthIsCutAtMaxContentLength()
    {
        using var client = As("alice");
        using var content = new UnknownLengthContent(Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(WaiverBody().ToJsonString(), 20_000)) + "]"));

        using var response = await client.PostAsync("/api/v1.0/waivers/", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("MAX_CONTENT_LENGTH", (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task HeadersOverMaxRequestHeadersSizeAreA431NamingTheSetting()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        request.Headers.Add("X-Padding", new string('p', 33 * 1024));

        using var response = await Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal("The request headers are larger than MAX_REQUEST_HEADERS_SIZE (32768 bytes)", (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Fact]
    public async Task ALargeKerberosSizedAuthorizationHeaderIsAccepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        request.Headers.Add("X-Padding", new string('p', 16 * 1024));

        using var response = await Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TwoHundredFiltersAreAnsweredAndMoreThanMaxFiltersNamesTheSetting()
    {
        static JsonObject Filters(int count) => new()
        {
            ["filters"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
            {
                ["subject_type"] = "koji_build", ["subject_identifier"] = $"pkg-{i}-1.0-1.fc40", ["testcase"] = "dist.rpmdeplint",
            })]),
        };
        await CreateAsync(WaiverBody("pkg-7-1.0-1.fc40"));

        using var ok = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", Filters(200));
        using var full = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", Filters(2000));
        using var over = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", Filters(2001));

        Assert.Single((await ReadJsonAsync(ok))["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Equal("filters: List should have at most 2000 items (MAX_FILTERS)", (string?)(await ReadJsonAsync(over))["message"]);
    }

    [Fact]
    public async Task MoreResultsThanMaxFiltersInBySubjectsAndTestcasesNamesTheSetting()
    {
        var body = new JsonObject
        {
            ["results"] = new JsonArray([.. Enumerable.Range(0, 2001).Select(i => (JsonNode)new JsonObject
            {
                ["subject"] = new JsonObject { ["type"] = "koji_build", ["item"] = $"pkg-{i}" }, ["testcase"] = "t",
            })]),
        };

        using var response = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+by-subjects-and-testcases", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("results: List should have at most 2000 items (MAX_FILTERS)", (string?)(await ReadJsonAsync(response))["message"]);
    }

    /// <summary>Content that does not know its length, so it is sent chunked.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The limit settings, configured lower and higher than their defaults.</summary>
public sealed class ConfiguredRequestLimitsTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["MAX_CONTENT_LENGTH"] = 65536;
        settings["MAX_WAIVERS_PER_REQUEST"] = 5000;
        settings["MAX_FILTERS"] = 300;
    }

    [Fact]
    public async Task ConfiguredLimitsAreTheOnesEnforcedAndNamed()
    {
        var (bodyStatus, bodyError) = await PostWaiversAsync(WaiverBody(change: b => b["comment"] = new string('x', 70_000)).ToJsonString());
        var filters = new JsonObject { ["filters"] = new JsonArray([.. Enumerable.Range(0, 301).Select(_ => (JsonNode)new JsonObject { ["testcase"] = "t" })]) };
        using var filtered = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", filters);
        var (listStatus, listError) = await PostWaiversAsync(new JsonArray([.. Enumerable.Range(0, 5001).Select(_ => (JsonNode)new JsonObject())]).ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bodyStatus);
        Assert.Equal("The request body is larger than MAX_CONTENT_LENGTH (65536 bytes)", (string?)bodyError["message"]);
        Assert.Equal("filters: List should have at most 300 items (MAX_FILTERS)", (string?)(await ReadJsonAsync(filtered))["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, listStatus);
        Assert.Equal("A list of waivers must hold between 1 and 5000 items (MAX_WAIVERS_PER_REQUEST); it holds 5001", (string?)listError["message"]);
        Assert.Equal(0, await CountWaiversAsync());
    }
}
