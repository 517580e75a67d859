using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

public sealed class BySubjectsAndTestcasesTests : ServiceFixture
{
    private const string Url = "/api/v1.0/waivers/+by-subjects-and-testcases";
    private const string Glibc = "glibc-2.26-27.fc27";
    private const string Compose = "Fedora-27-20171110.n.1";
    private const string Deplint = "dist.rpmdeplint";
    private const string Abicheck = "dist.abicheck";

    [Theory]
    [InlineData("""{"type": "koji_build", "item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"type": "brew-build", "item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"original_spec_nvr": "glibc-2.26-27.fc27"}""")]
    public async Task LegacyBuildSubjectsFindKojiBuildWaivers(string subject)
    {
        var (build, _, _) = await CreateThreeAsync();

        var result = await QueryAsync($$"""{"results": [{"subject": {{subject}}, "testcase": "{{Deplint}}"}]}""");

        Assert.Equal(["data"], result.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal([build.Id()], result.DataIds());
        JsonAssert.Equal(build, result["data"]![0]);
    }

    [Fact]
    public async Task ComposeSubjectFindsComposeWaivers()
    {
        var (_, _, compose) = await CreateThreeAsync();

        var result = await QueryAsync($$"""{"results": [{"subject": {"productmd.compose.id": "{{Compose}}"}, "testcase": "{{Deplint}}"}]}""");

        Assert.Equal([compose.Id()], result.DataIds());
        JsonAssert.Equal($$"""{"productmd.compose.id": "{{Compose}}"}""", result["data"]![0]!["subject"]);
    }

    [Fact]
    public async Task ResultsAreOredAndReturnedNewestFirst()
    {
        var (build, other, compose) = await CreateThreeAsync();

        var result = await QueryAsync($$"""
            {"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"},
                         {"subject": {"productmd.compose.id": "{{Compose}}"}, "testcase": "{{Deplint}}"},
                         {"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Abicheck}}"}]}
            """);

        Assert.Equal([compose.Id(), other.Id(), build.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("""{"item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"type": "koji_build"}""")]
    [InlineData("""{"type": "", "item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"nvr": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{}""")]
    public async Task SubjectThatMapsToNothingMatchesNothing(string subject)
    {
        await CreateThreeAsync();

        var result = await QueryAsync($$"""{"results": [{"subject": {{subject}}, "testcase": "{{Deplint}}"}]}""");

        JsonAssert.Equal("""{"data": []}""", result);
    }

    [Fact]
    public async Task UnmappableSubjectDoesNotWidenTheOtherResults()
    {
        var (build, _, _) = await CreateThreeAsync();

        var result = await QueryAsync($$"""
            {"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"},
                         {"subject": {"unknown": "x"}, "testcase": "{{Abicheck}}"}]}
            """);

        Assert.Equal([build.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("product_version", "fedora-28", "F28")]
    [InlineData("username", "bob", "Bob")]
    [InlineData("proxied_by", "bodhi", "Proxied")]
    public async Task TopLevelFiltersApplyToEveryResult(string key, string value, string expected)
    {
        var waivers = new Dictionary<string, int>
        {
            ["Alice"] = (await CreateAsync(WaiverBody(), "alice")).Id(),
            ["F28"] = (await CreateAsync(WaiverBody(change: b => b["product_version"] = "fedora-28"), "alice")).Id(),
            ["Bob"] = (await CreateAsync(WaiverBody(), "bob")).Id(),
            ["Proxied"] = (await CreateAsync(WaiverBody(change: b => b["username"] = "carol"), "bodhi")).Id(),
        };
        var body = JsonNode.Parse($$"""{"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"}]}""")!;

        var all = await QueryAsync(body);
        body[key] = value;
        var filtered = await QueryAsync(body);

        Assert.Equal([waivers["Proxied"], waivers["Bob"], waivers["F28"], waivers["Alice"]], all.DataIds());
        Assert.Equal([waivers[expected]], filtered.DataIds());
    }

    [Theory]
    [InlineData("2020-01-02", "W3 W2")]
    [InlineData("2020-01-02T02:00:00+02:00", "W3 W2")]
    [InlineData("2020-01-01T00:00:00Z,2020-01-02T00:00:00Z", "W2 W1")]
    public async Task SinceLimitsTheResults(string since, string expected)
    {
        var waivers = new Dictionary<string, int>();
        await using (var db = OpenDatabase())
        {
            string[] stamps = ["2020-01-01T00:00:00", "2020-01-02T00:00:00", "2020-01-03T00:00:00"];
            for (var i = 0; i < stamps.Length; i++)
            {
                var waiver = await CreateAsync(WaiverBody(testcase: $"test.{i + 1}"));
                await db.SetTimestampAsync(waiver, stamps[i]);
                waivers[$"W{i + 1}"] = waiver.Id();
            }
        }

        var results = new JsonArray([.. Enumerable.Range(1, 3).Select(i => (JsonNode)new JsonObject
        {
            ["subject"] = new JsonObject { ["type"] = "koji_build", ["item"] = Glibc },
            ["testcase"] = $"test.{i}",
        })]);
        var result = await QueryAsync(new JsonObject { ["results"] = results, ["since"] = since });

        Assert.Equal(expected.Split(' ').Select(name => waivers[name]), result.DataIds());
    }

    [Fact]
    public async Task ObsolescenceIsPerUserAndProductVersionAsInTheList()
    {
        await CreateAsync(WaiverBody(), "alice");
        var alices = await CreateAsync(WaiverBody(change: b => b["waived"] = false), "alice");
        var bobs = await CreateAsync(WaiverBody(), "bob");
        var f28 = await CreateAsync(WaiverBody(change: b => b["product_version"] = "fedora-28"), "alice");

        var result = await QueryAsync($$"""{"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"}]}""");

        Assert.Equal([f28.Id(), bobs.Id(), alices.Id()], result.DataIds());
    }

    [Fact]
    public async Task ObsolescenceIsDecidedOverTheWholeTableNotTheFilteredRows()
    {
        // Only the proxied waiver matches proxied_by, but alice's own newer one replaces it.
        var proxied = await CreateAsync(WaiverBody(change: b => b["username"] = "alice"), "bodhi");
        await CreateAsync(WaiverBody(), "alice");
        var body = JsonNode.Parse($$"""
            {"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"}], "proxied_by": "bodhi"}
            """)!;

        var current = await QueryAsync(body);
        body["include_obsolete"] = true;
        var all = await QueryAsync(body);

        Assert.Empty(current.DataIds());
        Assert.Equal([proxied.Id()], all.DataIds());
    }

    [Fact]
    public async Task IncludeObsoleteReturnsEveryMatchingWaiver()
    {
        var older = await CreateAsync(WaiverBody());
        var newer = await CreateAsync(WaiverBody());

        var result = await QueryAsync($$"""
            {"results": [{"subject": {"type": "koji_build", "item": "{{Glibc}}"}, "testcase": "{{Deplint}}"}], "include_obsolete": true}
            """);

        Assert.Equal([newer.Id(), older.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("""{}""", """["results"]""", "missing")]
    [InlineData("""{"results": []}""", """["results"]""", "too_short")]
    [InlineData("""{"results": "glibc"}""", """["results"]""", "list_type")]
    [InlineData("""{"results": [{"testcase": "dist.rpmdeplint"}]}""", """["results", 0, "subject"]""", "missing")]
    [InlineData("""{"results": [{"subject": {"original_spec_nvr": "glibc-2.26-27.fc27"}}]}""", """["results", 0, "testcase"]""", "missing")]
    [InlineData("""{"results": [{"subject": "glibc-2.26-27.fc27", "testcase": "dist.rpmdeplint"}]}""", """["results", 0, "subject"]""", "dict_type")]
    [InlineData("""{"results": [{"subject": ["glibc-2.26-27.fc27"], "testcase": "dist.rpmdeplint"}]}""", """["results", 0, "subject"]""", "dict_type")]
    [InlineData("""{"results": [{"subject": {"type": "koji_build", "item": 5}, "testcase": "dist.rpmdeplint"}]}""", """["results", 0, "subject", "item"]""", "string_type")]
    [InlineData("""{"results": ["glibc"]}""", """["results", 0]""", "model_type")]
    [InlineData("""{"results": [{"subject": {"original_spec_nvr": "glibc-2.26-27.fc27"}, "testcase": "dist.rpmdeplint"}], "since": "nope"}""", """["since"]""", "datetime_from_date_parsing")]
    [InlineData("""{"results": [{"subject": {"original_spec_nvr": "glibc-2.26-27.fc27"}, "testcase": "dist.rpmdeplint"}], "username": 5}""", """["username"]""", "string_type")]
    public async Task InvalidBodyIsABadRequestNamingTheField(string body, string loc, string type)
    {
        using var response = await Anonymous.PostAsync(Url, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        JsonAssert.Equal(loc, item["loc"]);
        Assert.Equal(type, (string?)item["type"]);
        var path = string.Join('.', JsonNode.Parse(loc)!.AsArray().Select(node => node!.ToString()));
        Assert.StartsWith(path + ": ", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResultWithoutSubjectAndTestcaseNamesBoth()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""{"results": [{}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        JsonAssert.Equal(
            """
            [{"loc": ["results", 0, "subject"], "msg": "Field required", "type": "missing"},
             {"loc": ["results", 0, "testcase"], "msg": "Field required", "type": "missing"}]
            """,
            error["validation_error"]);
        Assert.Equal("results.0.subject: Field required; results.0.testcase: Field required", (string?)error["message"]);
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestWithAMessage()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""{"results": [{"subject": """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The request body is not valid JSON", (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
    }

    /// <summary>A glibc waiver for dist.rpmdeplint, one for dist.abicheck, and a compose waiver for dist.rpmdeplint.</summary>
    private async Task<(JsonObject Build, JsonObject OtherTestcase, JsonObject Compose)> CreateThreeAsync()
    {
        var build = await CreateAsync(WaiverBody(Glibc, Deplint));
        var other = await CreateAsync(WaiverBody(Glibc, Abicheck));
        var compose = await CreateAsync(WaiverBody(Compose, Deplint, b => b["subject_type"] = "compose"));
        return (build, other, compose);
    }

    private async Task<JsonNode> QueryAsync(string body) => await QueryAsync(JsonNode.Parse(body)!);

    private async Task<JsonNode> QueryAsync(JsonNode body)
    {
        using var response = await PostJsonAsync(Anonymous, Url, body);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }
}
