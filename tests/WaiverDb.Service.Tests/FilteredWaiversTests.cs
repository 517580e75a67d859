using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

public sealed class FilteredWaiversTests : ServiceFixture
{
    private const string Url = "/api/v1.0/waivers/+filtered";
    private const string Glibc = "glibc-2.26-27.fc27";
    private const string Gzip = "gzip-1.9-1.fc28";
    private const string Deplint = "dist.rpmdeplint";
    private const string Abicheck = "dist.abicheck";

    [Fact]
    public async Task FiltersAreOredAndTheKeysOfOneFilterAnded()
    {
        var glibcDeplint = await CreateAsync(WaiverBody(Glibc, Deplint));
        await CreateAsync(WaiverBody(Glibc, Abicheck));
        await CreateAsync(WaiverBody(Gzip, Deplint));
        var gzipAbicheck = await CreateAsync(WaiverBody(Gzip, Abicheck));

        var result = await FilterAsync($$"""
            {"filters": [
              {"subject_type": "koji_build", "subject_identifier": "{{Glibc}}", "testcase": "{{Deplint}}"},
              {"subject_type": "koji_build", "subject_identifier": "{{Gzip}}", "testcase": "{{Abicheck}}"}]}
            """);

        Assert.Equal([gzipAbicheck.Id(), glibcDeplint.Id()], result.DataIds());
    }

    [Fact]
    public async Task AnEmptyValueInAFilterIsNoFilterOnThatKeyAsUpstream()
    {
        var glibcDeplint = await CreateAsync(WaiverBody(Glibc, Deplint, b => b["scenario"] = "x86_64"));
        var gzipDeplint = await CreateAsync(WaiverBody(Gzip, Deplint));
        await CreateAsync(WaiverBody(Gzip, Abicheck));

        var result = await FilterAsync($$"""
            {"filters": [{"testcase": "{{Deplint}}", "scenario": "", "since": "", "subject_identifier": ""}]}
            """);

        Assert.Equal([gzipDeplint.Id(), glibcDeplint.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("subject_type", "compose", "D")]
    [InlineData("subject_identifier", Glibc, "B A")]
    [InlineData("testcase", Deplint, "D C A")]
    [InlineData("scenario", "x86_64", "C")]
    [InlineData("product_version", "fedora-28", "C")]
    [InlineData("username", "bob", "B")]
    [InlineData("proxied_by", "bodhi", "D")]
    public async Task EachFilterKeySelectsExactlyTheMatchingWaivers(string key, string value, string expected)
    {
        var a = await CreateAsync(WaiverBody(Glibc, Deplint), "alice");
        var b = await CreateAsync(WaiverBody(Glibc, Abicheck), "bob");
        var c = await CreateAsync(WaiverBody(Gzip, Deplint, w =>
        {
            w["scenario"] = "x86_64";
            w["product_version"] = "fedora-28";
        }), "alice");
        var d = await CreateAsync(WaiverBody("Fedora-27-20171110.n.1", Deplint, w =>
        {
            w["subject_type"] = "compose";
            w["username"] = "carol";
        }), "bodhi");
        var names = new Dictionary<string, int> { ["A"] = a.Id(), ["B"] = b.Id(), ["C"] = c.Id(), ["D"] = d.Id() };

        var result = await FilterAsync(new JsonObject { ["filters"] = new JsonArray(new JsonObject { [key] = value }) });

        Assert.Equal(expected.Split(' ').Select(name => names[name]), result.DataIds());
    }

    [Fact]
    public async Task AnEmptyFilterMatchesEveryCurrentWaiver()
    {
        var glibc = await CreateAsync(WaiverBody(Glibc));
        var gzip = await CreateAsync(WaiverBody(Gzip));

        var result = await FilterAsync("""{"filters": [{}]}""");

        Assert.Equal([gzip.Id(), glibc.Id()], result.DataIds());
    }

    [Fact]
    public async Task BrewBuildInAFilterMatchesKojiBuilds()
    {
        var build = await CreateAsync(WaiverBody(Glibc));

        var result = await FilterAsync($$"""{"filters": [{"subject_type": "brew-build", "subject_identifier": "{{Glibc}}"}]}""");

        Assert.Equal([build.Id()], result.DataIds());
    }

    [Fact]
    public async Task ResponseIsOnlyDataWithFullWaiversNewestFirst()
    {
        var older = await CreateAsync(WaiverBody(Glibc));
        var newer = await CreateAsync(WaiverBody(Gzip, change: b => b["username"] = "carol"), "bodhi");

        var result = await FilterAsync("""{"filters": [{"testcase": "dist.rpmdeplint"}]}""");

        Assert.Equal(["data"], result.AsObject().Select(p => p.Key).ToArray());
        JsonAssert.Equal(new JsonArray(newer.DeepClone(), older.DeepClone()), result["data"]);
    }

    [Fact]
    public async Task ResultsAreOrderedByTimestamp()
    {
        var first = await CreateAsync(WaiverBody(Glibc));
        var second = await CreateAsync(WaiverBody(Gzip));
        await using (var db = OpenDatabase())
        {
            await db.SetTimestampAsync(first, "2020-01-02T00:00:00");
            await db.SetTimestampAsync(second, "2020-01-01T00:00:00");
        }

        var result = await FilterAsync("""{"filters": [{"testcase": "dist.rpmdeplint"}]}""");

        Assert.Equal([first.Id(), second.Id()], result.DataIds());
    }

    [Fact]
    public async Task ResultsAreNeverPaginated()
    {
        using var alice = As("alice");
        var created = await alice.CreateAllAsync(Enumerable.Range(1, 15).Select(i => WaiverBody($"pkg-{i}-1.fc28")));

        var result = await FilterAsync("""{"filters": [{"testcase": "dist.rpmdeplint"}]}""");

        Assert.Equal(created.Select(w => w!.Id()).Reverse(), result.DataIds());
    }

    [Fact]
    public async Task AWaiverMatchingTwoFiltersAppearsOnce()
    {
        var build = await CreateAsync(WaiverBody(Glibc));
        var other = await CreateAsync(WaiverBody(Gzip));

        var result = await FilterAsync($$"""
            {"filters": [{"subject_identifier": "{{Glibc}}"}, {"testcase": "{{Deplint}}"}, {"subject_identifier": "{{Glibc}}", "testcase": "{{Deplint}}"}]}
            """);

        Assert.Equal([other.Id(), build.Id()], result.DataIds());
    }

    // Each filter reaches its rows by the index its fields allow (subject and test case,
    // subject only, test case only, user only, or none: a table scan), so one call mixing
    // every shape must still give each filter exactly its waivers, and a waiver two shapes
    // find only once.
    [Fact]
    public async Task FiltersOfEveryShapeInOneCallEachFindTheirWaivers()
    {
        var glibcDeplint = await CreateAsync(WaiverBody(Glibc, Deplint), "alice");
        var glibcAbicheck = await CreateAsync(WaiverBody(Glibc, Abicheck), "alice");
        var gzipDeplint = await CreateAsync(WaiverBody(Gzip, Deplint), "alice");
        await CreateAsync(WaiverBody(Gzip, Abicheck), "alice");
        var bobs = await CreateAsync(WaiverBody("bash-5.2-1.fc40", "dist.upgradepath"), "bob");
        await CreateAsync(WaiverBody("bash-5.2-1.fc40", "dist.rpmlint"), "carol");
        var rawhide = await CreateAsync(WaiverBody("zsh-5.9-1.fc41", "dist.rpmlint", w => w["product_version"] = "fedora-41"), "carol");

        var result = await FilterAsync($$"""
            {"filters": [
              {"subject_identifier": "{{Glibc}}", "testcase": "{{Abicheck}}"},
              {"subject_identifier": "{{Glibc}}", "username": "alice"},
              {"testcase": "{{Deplint}}", "subject_type": "koji_build"},
              {"username": "bob"},
              {"username": "bob", "subject_identifier": "bash-5.2-1.fc40", "testcase": "dist.upgradepath"},
              {"product_version": "fedora-41"}]}
            """);

        Assert.Equal([rawhide.Id(), bobs.Id(), gzipDeplint.Id(), glibcAbicheck.Id(), glibcDeplint.Id()], result.DataIds());
    }

    // PostgreSQL plans a statement for its parameters' types only once it has run a few
    // times on a connection (the service prepares its statements): the answers must not
    // change when that generic plan takes over.
    [Fact]
    public async Task RepeatedCallsKeepTheirAnswersOnceTheStatementIsPrepared()
    {
        var glibcDeplint = await CreateAsync(WaiverBody(Glibc, Deplint), "alice");
        var gzipAbicheck = await CreateAsync(WaiverBody(Gzip, Abicheck), "bob");
        var calls = new (string Body, int[] Expected)[]
        {
            ($$"""{"filters": [{"subject_identifier": "{{Glibc}}", "testcase": "{{Deplint}}"}]}""", [glibcDeplint.Id()]),
            ($$"""{"filters": [{"testcase": "{{Abicheck}}"}]}""", [gzipAbicheck.Id()]),
            ("""{"filters": [{"username": "alice"}]}""", [glibcDeplint.Id()]),
            ($$"""{"filters": [{"subject_identifier": "{{Gzip}}"}]}""", [gzipAbicheck.Id()]),
            ("""{"filters": [{"username": "nobody"}]}""", []),
        };

        for (var round = 0; round < 8; round++)
        {
            foreach (var (body, expected) in calls)
            {
                Assert.Equal(expected, (await FilterAsync(body)).DataIds());
            }
        }
    }

    [Fact]
    public async Task TwoHundredFiltersInOneCallWork()
    {
        using var alice = As("alice");
        var created = await alice.CreateAllAsync(Enumerable.Range(1, 210).Select(i => WaiverBody($"pkg-{i}-1.fc28")));
        var filters = new JsonArray([.. Enumerable.Range(1, 200).Select(i => (JsonNode)new JsonObject
        {
            ["subject_type"] = "koji_build",
            ["subject_identifier"] = $"pkg-{i}-1.fc28",
            ["testcase"] = Deplint,
        })]);

        var result = await FilterAsync(new JsonObject { ["filters"] = filters });

        Assert.Equal(created.Take(200).Select(w => w!.Id()).Reverse(), result.DataIds());
    }

    [Fact]
    public async Task NewerWaiverByAnotherUserHidesTheOlderOne()
    {
        await CreateAsync(WaiverBody(), "alice");
        var bobs = await CreateAsync(WaiverBody(change: b => b["waived"] = false), "bob");

        var result = await FilterAsync($$"""{"filters": [{"subject_identifier": "{{Glibc}}", "testcase": "{{Deplint}}"}]}""");

        Assert.Equal([bobs.Id()], result.DataIds());
        Assert.False((bool)result["data"]![0]!["waived"]!);
    }

    [Fact]
    public async Task NewerWaiverForAnotherProductVersionHidesTheOlderOne()
    {
        await CreateAsync(WaiverBody());
        var f28 = await CreateAsync(WaiverBody(change: b => b["product_version"] = "fedora-28"));

        var result = await FilterAsync($$"""{"filters": [{"subject_identifier": "{{Glibc}}"}]}""");

        Assert.Equal([f28.Id()], result.DataIds());
    }

    [Fact]
    public async Task ObsolescenceGroupsByScenarioWithNullScenariosTogether()
    {
        await CreateAsync(WaiverBody(), "alice");
        var noScenario = await CreateAsync(WaiverBody(), "bob");
        await CreateAsync(WaiverBody(change: b => b["scenario"] = "x86_64"), "alice");
        var x86 = await CreateAsync(WaiverBody(change: b => b["scenario"] = "x86_64"), "bob");
        var arm = await CreateAsync(WaiverBody(change: b => b["scenario"] = "aarch64"), "alice");

        var result = await FilterAsync($$"""{"filters": [{"subject_identifier": "{{Glibc}}"}]}""");

        Assert.Equal([arm.Id(), x86.Id(), noScenario.Id()], result.DataIds());
    }

    [Fact]
    public async Task ObsolescenceIsDecidedOverTheWholeTableUnlikeTheFilter()
    {
        // Only alice's waiver matches the filter, but bob's newer one replaces it. The GET
        // list, which groups per user, still shows alice's.
        var alices = await CreateAsync(WaiverBody(), "alice");
        await CreateAsync(WaiverBody(), "bob");

        var filtered = await FilterAsync("""{"filters": [{"username": "alice"}]}""");
        var listed = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?username=alice");

        Assert.Empty(filtered.DataIds());
        Assert.Equal([alices.Id()], listed.DataIds());
    }

    [Theory]
    [InlineData("true")]
    [InlineData("\"true\"")]
    [InlineData("1")]
    public async Task IncludeObsoleteReturnsEveryMatchingWaiver(string includeObsolete)
    {
        var alices = await CreateAsync(WaiverBody(), "alice");
        var bobs = await CreateAsync(WaiverBody(), "bob");
        var again = await CreateAsync(WaiverBody(), "bob");

        var result = await FilterAsync($$"""{"filters": [{"testcase": "{{Deplint}}"}], "include_obsolete": {{includeObsolete}}}""");

        Assert.Equal([again.Id(), bobs.Id(), alices.Id()], result.DataIds());
    }

    [Fact]
    public async Task IncludeObsoleteFalseHidesThemAsTheDefaultDoes()
    {
        await CreateAsync(WaiverBody(), "alice");
        var bobs = await CreateAsync(WaiverBody(), "bob");

        var result = await FilterAsync($$"""{"filters": [{"testcase": "{{Deplint}}"}], "include_obsolete": false}""");

        Assert.Equal([bobs.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("2020-01-02T00:00:00", "W3 W2")]
    [InlineData("2020-01-02T01:00:00+01:00", "W3 W2")]
    [InlineData("2020-01-02T00:00:00.000001Z", "W3")]
    [InlineData("2020-01-01,2020-01-02", "W2 W1")]
    [InlineData("2020-01-01T00:00:00.000001,2020-01-02T00:00:00", "W2")]
    public async Task SinceInsideAFilterLimitsThatFilter(string since, string expected)
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

        var result = await FilterAsync(new JsonObject { ["filters"] = new JsonArray(new JsonObject { ["since"] = since }) });

        Assert.Equal(expected.Split(' ').Select(name => waivers[name]), result.DataIds());
    }

    [Fact]
    public async Task EachFilterHasItsOwnSince()
    {
        var old = await CreateAsync(WaiverBody(Glibc));
        var recent = await CreateAsync(WaiverBody(Gzip));
        await using (var db = OpenDatabase())
        {
            await db.SetTimestampAsync(old, "2020-01-01T00:00:00");
            await db.SetTimestampAsync(recent, "2021-01-01T00:00:00");
        }

        var result = await FilterAsync($$"""
            {"filters": [{"subject_identifier": "{{Glibc}}", "since": "2020-06-01"},
                         {"subject_identifier": "{{Gzip}}", "since": "2020-06-01"},
                         {"subject_identifier": "{{Glibc}}", "since": "2019-01-01,2020-01-01"}]}
            """);

        Assert.Equal([recent.Id(), old.Id()], result.DataIds());
    }

    [Theory]
    [InlineData("""{}""", """["filters"]""", "missing")]
    [InlineData("""{"filters": null}""", """["filters"]""", "missing")]
    [InlineData("""{"filters": []}""", """["filters"]""", "too_short")]
    [InlineData("""{"filters": "testcase"}""", """["filters"]""", "list_type")]
    [InlineData("""{"filters": {"testcase": "x"}}""", """["filters"]""", "list_type")]
    [InlineData("""{"filters": ["x"]}""", """["filters", 0]""", "model_type")]
    [InlineData("""{"filters": [{"testcase": "x"}, 5]}""", """["filters", 1]""", "model_type")]
    [InlineData("""{"filters": [{"testcase": 5}]}""", """["filters", 0, "testcase"]""", "string_type")]
    [InlineData("""{"filters": [{"testcase": ["x"]}]}""", """["filters", 0, "testcase"]""", "string_type")]
    [InlineData("""{"filters": [{"testcase": {"name": "x"}}]}""", """["filters", 0, "testcase"]""", "string_type")]
    [InlineData("""{"filters": [{"subject_identifier": true}]}""", """["filters", 0, "subject_identifier"]""", "string_type")]
    [InlineData("""{"filters": [{"testcase": "x", "foo": 1}]}""", """["filters", 0, "foo"]""", "extra_forbidden")]
    [InlineData("""{"filters": [{"testcase": "x"}, {"since": "nope"}]}""", """["filters", 1, "since"]""", "datetime_from_date_parsing")]
    [InlineData("""{"filters": [{"testcase": "x"}], "include_obsolete": "maybe"}""", """["include_obsolete"]""", "bool_type")]
    [InlineData("""{"filters": [{"testcase": "a\u0000b"}]}""", """["filters", 0, "testcase"]""", "string_nul")]
    public async Task InvalidBodyIsABadRequestNamingTheField(string body, string loc, string type)
    {
        using var response = await Anonymous.PostAsync(Url, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        JsonAssert.Equal(loc, item["loc"]);
        Assert.Equal(type, (string?)item["type"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)item["msg"]));
        var path = string.Join('.', JsonNode.Parse(loc)!.AsArray().Select(node => node!.ToString()));
        Assert.StartsWith(path + ": ", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterValueLongerThanItsColumnIsABadRequest()
    {
        var body = new JsonObject { ["filters"] = new JsonArray(new JsonObject { ["product_version"] = new string('x', 201) }) };

        using var response = await PostJsonAsync(Anonymous, Url, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal(
            """[{"loc": ["filters", 0, "product_version"], "msg": "String should have at most 200 characters", "type": "string_too_long"}]""",
            (await ReadJsonAsync(response))["validation_error"]);
    }

    [Fact]
    public async Task MoreFiltersThanTheCapIsABadRequest()
    {
        var body = new JsonObject { ["filters"] = new JsonArray([.. Enumerable.Range(0, 2001).Select(_ => (JsonNode)new JsonObject())]) };

        using var response = await PostJsonAsync(Anonymous, Url, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        JsonAssert.Equal("""[{"loc": ["filters"], "msg": "List should have at most 2000 items (MAX_FILTERS)", "type": "too_long"}]""", error["validation_error"]);
    }

    [Fact]
    public async Task UnparsableSinceInAFilterQuotesTheBadPart()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""{"filters": [{"since": "2020-01-01,nope"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        Assert.Equal("filters.0.since: Invalid isoformat string: 'nope'", (string?)error["message"]);
        JsonAssert.Equal(
            """[{"loc": ["filters", 0, "since"], "msg": "Invalid isoformat string: 'nope'", "type": "datetime_from_date_parsing"}]""",
            error["validation_error"]);
    }

    [Fact]
    public async Task EveryProblemIsListed()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""{"filters": [{"testcase": 5}, {"bogus": "x", "since": "never"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        var locs = error["validation_error"]!.AsArray().Select(item => item!["loc"]!.ToJsonString()).Order(StringComparer.Ordinal);
        Assert.Equal(["""["filters",0,"testcase"]""", """["filters",1,"bogus"]""", """["filters",1,"since"]"""], locs);
        var message = (string?)error["message"];
        Assert.Contains("filters.0.testcase", message, StringComparison.Ordinal);
        Assert.Contains("filters.1.bogus", message, StringComparison.Ordinal);
        Assert.Contains("filters.1.since", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyThatIsAListIsABadRequest()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""[{"testcase": "dist.rpmdeplint"}]"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        Assert.Equal("Input should be a valid dictionary or object", (string?)error["message"]);
        JsonAssert.Equal(
            """[{"loc": [], "msg": "Input should be a valid dictionary or object", "type": "model_type"}]""",
            error["validation_error"]);
    }

    [Theory]
    [InlineData("""{"filters": [""")]
    [InlineData("""{"filters": [{"testcase": "x",}]}""")]
    [InlineData("""{"filters": [{"testcase": "x"}], "filters": [{"testcase": "y"}]}""")]
    [InlineData("filters")]
    [InlineData("")]
    public async Task MalformedJsonIsABadRequestWithAMessage(string body)
    {
        using var response = await Anonymous.PostAsync(Url, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("The request body is not valid JSON", (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"filters": [{"testcase": "x"}, {"testcase": "a\ud800b"}]}""", "the body.filters[1].testcase")]
    [InlineData("""{"filters": [{"testcase": "\ud83d\ude00 x"}], "include_obsolete": "\udfff"}""", "the body.include_obsolete")]
    public async Task AnEscapedLoneSurrogateIsABadRequestNamingWhereItIs(string body, string where)
    {
        using var response = await Anonymous.PostAsync(Url, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"The request body is not valid JSON: {where} holds an escaped lone surrogate (\\ud800-\\udfff), which is not text",
            (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Fact]
    public async Task AnEscapedLoneSurrogateInAKeyIsABadRequest()
    {
        using var response = await Anonymous.PostAsync(Url, Json("""{"filters": [{"testcase": "x"}, {"\udc00": "x"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The request body is not valid JSON: a key of the body holds bytes that are not UTF-8 or an escaped lone surrogate",
            (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "")] // U+D800 encoded as if it were a character: not UTF-8
    [InlineData("a\\n", "")] // the same after an escape
    [InlineData("", "\\u00e9")] // a byte that starts a character that never comes
    public async Task BytesThatAreNotUtf8InAStringAreABadRequest(string before, string after)
    {
        byte[] invalid = before.Length == 0 ? [0xC3] : [0xED, 0xA0, 0x80];
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"filters\": [{\"testcase\": \"x\"}, {\"testcase\": \"" + before), .. invalid,
            .. Encoding.UTF8.GetBytes(after + "\"}]}")];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await Anonymous.PostAsync(Url, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The request body is not valid JSON: the body.filters[1].testcase holds bytes that are not UTF-8, which is not text",
            (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Fact]
    public async Task EscapedTextThatIsSoundIsReadAsText()
    {
        var waiver = await CreateAsync(WaiverBody(Glibc, "dist.\u00e9\"quoted\""));

        var result = await FilterAsync("""{"filters": [{"testcase": "dist.\u00e9\"quoted\""}]}""");

        Assert.Equal([waiver.Id()], result.DataIds());
    }

    private async Task<JsonNode> FilterAsync(string body) => await FilterAsync(JsonNode.Parse(body)!);

    private async Task<JsonNode> FilterAsync(JsonNode body)
    {
        using var response = await PostJsonAsync(Anonymous, Url, body);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }
}
