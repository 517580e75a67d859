using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

public sealed class ListWaiversTests : ServiceFixture
{
    private const string Glibc = "glibc-2.26-27.fc27";
    private const string Gzip = "gzip-1.9-1.fc28";
    private const string Compose = "Fedora-27-20171110.n.1";
    private const string Deplint = "dist.rpmdeplint";
    private const string Abicheck = "dist.abicheck";

    [Theory]
    [InlineData("subject_type=compose", "D")]
    [InlineData("subject_type=koji_build", "E C B A")]
    [InlineData("subject_identifier=" + Glibc, "B A")]
    [InlineData("testcase=" + Deplint, "D C A")]
    [InlineData("scenario=x86_64", "E C")]
    [InlineData("product_version=fedora-28", "C")]
    [InlineData("username=alice", "C A")]
    [InlineData("proxied_by=bodhi", "E D")]
    [InlineData("subject_identifier=no-such-build-1.0-1", "")]
    public async Task EachFilterAloneSelectsExactlyTheMatchingWaivers(string query, string expected)
    {
        var waivers = await CreateMatrixAsync();

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?" + query);

        Assert.Equal(Names(waivers, expected), page.DataIds());
    }

    [Theory]
    [InlineData("subject_identifier=" + Gzip + "&testcase=" + Deplint, "C")]
    [InlineData("testcase=" + Abicheck + "&proxied_by=bodhi", "E")]
    [InlineData("subject_type=koji_build&scenario=x86_64&product_version=fedora-27", "E")]
    [InlineData("subject_type=koji_build&subject_identifier=" + Glibc + "&testcase=" + Deplint + "&product_version=fedora-27&username=alice", "A")]
    [InlineData("username=alice&testcase=" + Abicheck, "")]
    [InlineData("username=carol&proxied_by=bodhi&subject_type=compose&subject_identifier=" + Compose, "D")]
    public async Task CombinedFiltersMustAllMatch(string query, string expected)
    {
        var waivers = await CreateMatrixAsync();

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?" + query);

        Assert.Equal(Names(waivers, expected), page.DataIds());
    }

    [Theory]
    [InlineData("scenario=&testcase=" + Deplint, "D C A")]
    [InlineData("subject_identifier=&username=", "E D C B A")]
    [InlineData("since=&product_version=fedora-28", "C")]
    public async Task EmptyFilterValuesAreNoFilterAsUpstream(string query, string expected)
    {
        var waivers = await CreateMatrixAsync();

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?" + query);

        Assert.Equal(Names(waivers, expected), page.DataIds());
    }

    [Fact]
    public async Task AnEmptyCallbackIsNoCallback()
    {
        await CreateAsync(WaiverBody());

        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?callback=");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Single((await ReadJsonAsync(response))["data"]!.AsArray());
    }

    [Fact]
    public async Task ListedWaiversCarryEveryFieldAsStored()
    {
        var created = await CreateAsync(WaiverBody(change: b =>
        {
            b["scenario"] = "x86_64";
            b["username"] = "carol";
            b["waived"] = false;
        }), "bodhi");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal(["data", "prev", "next", "first", "last"], page.AsObject().Select(p => p.Key).ToArray());
        var listed = Assert.Single(page["data"]!.AsArray());
        JsonAssert.Equal(created, listed);
        Assert.Equal("bodhi", (string?)listed!["proxied_by"]);
        Assert.False((bool)listed["waived"]!);
    }

    [Fact]
    public async Task BrewBuildFilterFindsWaiversStoredAsKojiBuilds()
    {
        var brew = await CreateAsync(WaiverBody(change: b => b["subject_type"] = "brew-build"));
        await CreateAsync(WaiverBody(Compose, change: b => b["subject_type"] = "compose"));

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?subject_type=brew-build");

        Assert.Equal([brew.Id()], page.DataIds());
        Assert.Equal("koji_build", (string?)page["data"]![0]!["subject_type"]);
    }

    [Fact]
    public async Task ListingReturnsTheTenNewestByDefault()
    {
        using var alice = As("alice");
        var created = await alice.CreateAllAsync(Enumerable.Range(1, 12).Select(i => WaiverBody(testcase: $"test.{i}")));

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal(created.Select(w => w!.Id()).Reverse().Take(10), page.DataIds());
        var stamps = page["data"]!.AsArray().Select(w => (string)w!["timestamp"]!).ToList();
        Assert.Equal(stamps.OrderDescending(StringComparer.Ordinal), stamps);
        AssertLink(page["next"], 2);
        AssertLink(page["last"], 2);
    }

    [Fact]
    public async Task ListingOrdersByTimestampNotById()
    {
        var first = await CreateAsync(WaiverBody(testcase: "test.1"));
        var second = await CreateAsync(WaiverBody(testcase: "test.2"));
        var third = await CreateAsync(WaiverBody(testcase: "test.3"));
        await using (var db = OpenDatabase())
        {
            await db.SetTimestampAsync(first, "2020-01-03T00:00:00");
            await db.SetTimestampAsync(second, "2020-01-01T00:00:00");
            await db.SetTimestampAsync(third, "2020-01-02T00:00:00");
        }

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal([first.Id(), third.Id(), second.Id()], page.DataIds());
    }

    [Fact]
    public async Task NewerWaiverForTheSameKeyHidesTheOlderOne()
    {
        var older = await CreateAsync(WaiverBody());
        var newer = await CreateAsync(WaiverBody(change: b => b["waived"] = false));

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");
        var all = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?include_obsolete=true");

        Assert.Equal([newer.Id()], page.DataIds());
        Assert.False((bool)page["data"]![0]!["waived"]!);
        Assert.Equal([newer.Id(), older.Id()], all.DataIds());
    }

    [Fact]
    public async Task WaiverByAnotherUserDoesNotHideTheOlderOne()
    {
        var alices = await CreateAsync(WaiverBody(), "alice");
        var bobs = await CreateAsync(WaiverBody(), "bob");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal([bobs.Id(), alices.Id()], page.DataIds());
    }

    [Fact]
    public async Task WaiverForAnotherProductVersionDoesNotHideTheOlderOne()
    {
        var f27 = await CreateAsync(WaiverBody());
        var f28 = await CreateAsync(WaiverBody(change: b => b["product_version"] = "fedora-28"));

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal([f28.Id(), f27.Id()], page.DataIds());
    }

    [Fact]
    public async Task ScenariosGroupByValueAndNullScenariosGroupTogether()
    {
        await CreateAsync(WaiverBody());
        var noScenario = await CreateAsync(WaiverBody());
        await CreateAsync(WaiverBody(change: b => b["scenario"] = "x86_64"));
        var x86 = await CreateAsync(WaiverBody(change: b => b["scenario"] = "x86_64"));
        var arm = await CreateAsync(WaiverBody(change: b => b["scenario"] = "aarch64"));

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Equal([arm.Id(), x86.Id(), noScenario.Id()], page.DataIds());
    }

    [Fact]
    public async Task ProxiedWaiverHidesTheUsersOwnOlderWaiver()
    {
        await CreateAsync(WaiverBody(), "alice");
        var proxied = await CreateAsync(WaiverBody(change: b => b["username"] = "alice"), "bodhi");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?username=alice");

        Assert.Equal([proxied.Id()], page.DataIds());
        Assert.Equal("bodhi", (string?)page["data"]![0]!["proxied_by"]);
    }

    [Fact]
    public async Task ObsolescenceIsDecidedOverTheWholeTableNotTheFilteredRows()
    {
        // The older waiver matches proxied_by=bodhi; the newer, by alice herself, does not,
        // yet it makes the older one obsolete.
        var proxied = await CreateAsync(WaiverBody(change: b => b["username"] = "alice"), "bodhi");
        await CreateAsync(WaiverBody(), "alice");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?proxied_by=bodhi");
        var all = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?proxied_by=bodhi&include_obsolete=true");

        Assert.Empty(page.DataIds());
        Assert.Equal([proxied.Id()], all.DataIds());
    }

    [Fact]
    public async Task ObsoleteWaiverInTheSinceRangeStaysHiddenByANewerOneOutsideIt()
    {
        var older = await CreateAsync(WaiverBody());
        var newer = await CreateAsync(WaiverBody());
        await using (var db = OpenDatabase())
        {
            await db.SetTimestampAsync(older, "2020-06-01T00:00:00");
            await db.SetTimestampAsync(newer, "2021-06-01T00:00:00");
        }

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?since=2020-01-01,2020-12-31");
        var all = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?since=2020-01-01,2020-12-31&include_obsolete=1");

        Assert.Empty(page.DataIds());
        Assert.Equal([older.Id()], all.DataIds());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public async Task IncludeObsoleteAcceptsBooleanSpellings(string value, bool included)
    {
        var older = await CreateAsync(WaiverBody());
        var newer = await CreateAsync(WaiverBody());

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?include_obsolete=" + value);

        int[] expected = included ? [newer.Id(), older.Id()] : [newer.Id()];
        Assert.Equal(expected, page.DataIds());
    }

    [Fact]
    public async Task MiddlePageLinksAreAbsoluteAndKeepTheOtherArguments()
    {
        var ids = await CreateNumberedAsync(5);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=2&page=2&product_version=fedora-27");

        Assert.Equal([ids[2], ids[1]], page.DataIds());
        (string, string)[] others = [("limit", "2"), ("product_version", "fedora-27")];
        AssertLink(page["prev"], 1, others);
        AssertLink(page["next"], 3, others);
        AssertLink(page["first"], 1, others);
        AssertLink(page["last"], 3, others);
    }

    [Fact]
    public async Task FirstPageHasNoPrevLinkAndLastPageNoNextLink()
    {
        var ids = await CreateNumberedAsync(5);

        var first = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=2");
        var last = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=2&page=3");

        Assert.Equal([ids[4], ids[3]], first.DataIds());
        Assert.Null(first["prev"]);
        AssertLink(first["next"], 2, ("limit", "2"));
        AssertLink(first["first"], 1, ("limit", "2"));
        AssertLink(first["last"], 3, ("limit", "2"));
        Assert.Equal([ids[0]], last.DataIds());
        AssertLink(last["prev"], 2, ("limit", "2"));
        Assert.Null(last["next"]);
        AssertLink(last["last"], 3, ("limit", "2"));
    }

    [Fact]
    public async Task LastLinkPointsAtAFullFinalPage()
    {
        await CreateNumberedAsync(4);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=2");

        AssertLink(page["last"], 2, ("limit", "2"));
        AssertLink(page["next"], 2, ("limit", "2"));
    }

    [Fact]
    public async Task SinglePageHasNoPrevOrNextAndFirstIsLast()
    {
        await CreateNumberedAsync(3);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/");

        Assert.Null(page["prev"]);
        Assert.Null(page["next"]);
        AssertLink(page["first"], 1);
        AssertLink(page["last"], 1);
    }

    [Fact]
    public async Task RepeatedArgumentsAreKeptInLinksWhileTheFirstOneFilters()
    {
        var alices = await CreateAsync(WaiverBody(testcase: "test.1"), "alice");
        var bobs = await CreateAsync(WaiverBody(testcase: "test.1"), "bob");
        await CreateAsync(WaiverBody(testcase: "test.2"), "alice");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?testcase=test.1&testcase=test.2&limit=1&extra=a&extra=b");

        Assert.Equal([bobs.Id()], page.DataIds());
        (string, string)[] others = [("testcase", "test.1"), ("testcase", "test.2"), ("limit", "1"), ("extra", "a"), ("extra", "b")];
        AssertLink(page["next"], 2, others);
        AssertLink(page["last"], 2, others);
        var second = await GetJsonAsync(Anonymous, (string)page["next"]!);
        Assert.Equal([alices.Id()], second.DataIds());
    }

    [Fact]
    public async Task FollowingNextLinksVisitsEveryWaiverOnceEvenWithEscapedArguments()
    {
        var ids = await CreateNumberedAsync(5);
        var seen = new List<int>();

        string? url = "/api/v1.0/waivers/?limit=2&since=" + Uri.EscapeDataString("2000-01-01T00:00:00+00:00") + "&comment=" + Uri.EscapeDataString("a b&c");
        var pages = 0;
        while (url is not null && pages++ < 10)
        {
            var page = await GetJsonAsync(Anonymous, url);
            seen.AddRange(page.DataIds());
            url = (string?)page["next"];
        }

        Assert.Equal(3, pages);
        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task PagePastTheEndHasNoDataAndNoLinks()
    {
        await CreateNumberedAsync(3);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?page=2");

        JsonAssert.Equal("""{"data": [], "prev": null, "next": null, "first": null, "last": null}""", page);
    }

    [Fact]
    public async Task ListingWithoutTheTrailingSlashWorks()
    {
        var ids = await CreateNumberedAsync(3);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers?limit=2");

        Assert.Equal([ids[2], ids[1]], page.DataIds());
        AssertLink(page["next"], 2, "http://localhost/api/v1.0/waivers", ("limit", "2"));
    }

    [Theory]
    [InlineData("2020-01-02T12:00:00.5", "W4 W3 W2")]
    [InlineData("2020-01-02T12:00:00.500000", "W4 W3 W2")]
    [InlineData("2020-01-02T12:00:00.500001", "W4 W3")]
    [InlineData("2020-01-02T12:00:00", "W4 W3 W2")]
    [InlineData("2020-01-02T12:00:01", "W4 W3")]
    [InlineData("2020-01-02T12:00:00.500000,2020-01-03T00:00:00", "W3 W2")]
    [InlineData("2020-01-02T12:00:00.499999,2020-01-02T12:00:00.500000", "W2")]
    [InlineData("2020-01-03T00:00:00Z", "W4 W3")]
    [InlineData("2020-01-03T02:00:00+02:00", "W4 W3")]
    [InlineData("2020-01-03T02:00:01+02:00", "W4")]
    [InlineData("2020-01-02T22:00:00-02:00", "W4 W3")]
    [InlineData("2020-01-03", "W4 W3")]
    [InlineData("2020-01-01,2020-01-03", "W3 W2 W1")]
    [InlineData("2020-01-01T00:00:00Z,2020-01-03T01:00:00+01:00", "W3 W2 W1")]
    [InlineData("2021-01-01", "")]
    public async Task SinceSelectsWaiversInItsInclusiveRangeInUtc(string since, string expected)
    {
        var waivers = new Dictionary<string, int>();
        await using (var db = OpenDatabase())
        {
            string[] stamps = ["2020-01-01T00:00:00", "2020-01-02T12:00:00.5", "2020-01-03T00:00:00", "2020-01-04T00:00:00"];
            for (var i = 0; i < stamps.Length; i++)
            {
                var waiver = await CreateAsync(WaiverBody(testcase: $"test.{i + 1}"));
                await db.SetTimestampAsync(waiver, stamps[i]);
                waivers[$"W{i + 1}"] = waiver.Id();
            }
        }

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?since=" + Uri.EscapeDataString(since));

        Assert.Equal(Names(waivers, expected), page.DataIds());
    }

    [Theory]
    [InlineData("nope", "nope")]
    [InlineData("2020-01-01,nope", "nope")]
    [InlineData("nope,2020-01-01", "nope")]
    [InlineData("2020-13-01", "2020-13-01")]
    [InlineData("2020-02-30", "2020-02-30")]
    [InlineData("2020-01-01T25:00:00", "2020-01-01T25:00:00")]
    [InlineData("2020-01-01T10:00:00+02:00,yesterday", "yesterday")]
    [InlineData("01/02/2020", "01/02/2020")]
    public async Task UnparsableSinceIsABadRequestNamingTheBadPart(string since, string badPart)
    {
        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?since=" + Uri.EscapeDataString(since));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        JsonAssert.Equal(new JsonObject { ["since"] = $"Invalid isoformat string: '{badPart}'" }, error["message"]);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        JsonAssert.Equal("""["since"]""", item["loc"]);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("page=2147483648", "page")]
    [InlineData("include_obsolete=maybe", "include_obsolete")]
    [InlineData("testcase=a%00b", "testcase")]
    [InlineData("subject_identifier=%00", "subject_identifier")]
    public async Task InvalidQueryArgumentIsABadRequestNamingTheField(string query, string field)
    {
        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        var message = error["message"]!.AsObject();
        Assert.Equal([field], message.Select(p => p.Key).ToArray());
        Assert.False(string.IsNullOrWhiteSpace((string?)message[field]));
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        JsonAssert.Equal(new JsonArray(field), item["loc"]);
    }

    [Theory]
    [InlineData("username", 255)]
    [InlineData("proxied_by", 255)]
    [InlineData("product_version", 200)]
    [InlineData("scenario", 255)]
    public async Task FilterValuesLongerThanTheirColumnAreABadRequest(string field, int column)
    {
        var accepted = await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/?{field}={new string('x', column)}");
        using var refused = await Anonymous.GetAsync($"/api/v1.0/waivers/?{field}={new string('x', column + 1)}");

        Assert.Empty(accepted.DataIds());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await ReadJsonAsync(refused);
        JsonAssert.Equal(new JsonObject { [field] = $"String should have at most {column} characters" }, error["message"]);
    }

    [Fact]
    public async Task LimitAtTheCapIsAccepted()
    {
        var ids = await CreateNumberedAsync(12);

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?limit=1000");

        Assert.Equal(ids.AsEnumerable().Reverse(), page.DataIds());
        Assert.Null(page["next"]);
        AssertLink(page["last"], 1, ("limit", "1000"));
    }

    [Theory]
    [InlineData("cb")]
    [InlineData("jQuery123.cb")]
    [InlineData("$_.a1")]
    public async Task CallbackWrapsTheListAsJavaScript(string callback)
    {
        var created = await CreateAsync(WaiverBody());

        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?callback=" + callback);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(callback + "(", script, StringComparison.Ordinal);
        Assert.EndsWith(");", script, StringComparison.Ordinal);
        var page = JsonNode.Parse(script[(callback.Length + 1)..^2])!;
        Assert.Equal([created.Id()], page.DataIds());
        AssertLink(page["first"], 1, ("callback", callback));
    }

    [Theory]
    [InlineData("alert(1)")]
    [InlineData("a-b")]
    [InlineData("1abc")]
    [InlineData("a..b")]
    [InlineData("<script>")]
    public async Task InvalidCallbackIsABadRequestWithAJsonMessage(string callback)
    {
        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?callback=" + Uri.EscapeDataString(callback));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = (string?)(await ReadJsonAsync(response))["message"];
        Assert.Contains("callback", message, StringComparison.Ordinal);
        Assert.DoesNotContain(callback, message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Five waivers, A to E, each differing from the others in a few fields
    /// (D and E are created by bodhi on behalf of carol and dave).
    /// </summary>
    private async Task<Dictionary<string, int>> CreateMatrixAsync()
    {
        var a = await CreateAsync(WaiverBody(Glibc, Deplint), "alice");
        var b = await CreateAsync(WaiverBody(Glibc, Abicheck), "bob");
        var c = await CreateAsync(WaiverBody(Gzip, Deplint, w =>
        {
            w["scenario"] = "x86_64";
            w["product_version"] = "fedora-28";
        }), "alice");
        var d = await CreateAsync(WaiverBody(Compose, Deplint, w =>
        {
            w["subject_type"] = "compose";
            w["username"] = "carol";
        }), "bodhi");
        var e = await CreateAsync(WaiverBody(Gzip, Abicheck, w =>
        {
            w["scenario"] = "x86_64";
            w["username"] = "dave";
        }), "bodhi");
        return new() { ["A"] = a.Id(), ["B"] = b.Id(), ["C"] = c.Id(), ["D"] = d.Id(), ["E"] = e.Id() };
    }

    /// <summary><paramref name="count"/> waivers with distinct test cases, so none is obsolete; their ids in creation order.</summary>
    private async Task<int[]> CreateNumberedAsync(int count)
    {
        using var alice = As("alice");
        var created = await alice.CreateAllAsync(Enumerable.Range(1, count).Select(i => WaiverBody(testcase: $"test.{i}")));
        return [.. created.Select(w => w!.Id())];
    }

    private static int[] Names(Dictionary<string, int> waivers, string names) =>
        [.. names.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(name => waivers[name])];

    private static void AssertLink(JsonNode? link, int page, params (string Key, string Value)[] others) =>
        AssertLink(link, page, "http://localhost/api/v1.0/waivers/", others);

    /// <summary>The link is <paramref name="path"/> with <c>page</c> set and exactly the other arguments, in order.</summary>
    private static void AssertLink(JsonNode? link, int page, string path, params (string Key, string Value)[] others)
    {
        var text = (string?)link;
        Assert.NotNull(text);
        var uri = new Uri(text);
        Assert.Equal(path, uri.GetLeftPart(UriPartial.Path));
        var pairs = uri.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (Key: Uri.UnescapeDataString(pair[0]), Value: Uri.UnescapeDataString(pair[1])))
            .ToList();
        Assert.Equal([("page", page.ToString(CultureInfo.InvariantCulture))], pairs.Where(p => p.Key == "page"));
        Assert.Equal(others, pairs.Where(p => p.Key != "page"));
    }
}
