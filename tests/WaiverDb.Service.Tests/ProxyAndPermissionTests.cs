using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>Proxying through <c>SUPERUSERS</c> and the <c>PERMISSIONS</c> checks, as Bodhi meets them.</summary>
public sealed class ProxyAndPermissionTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SUPERUSERS"] = new JsonArray("bodhi");
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [
              {"name": "dist", "maintainers": ["qa@example.com"], "testcases": ["dist.*"],
               "testcases_ignore": ["dist.ignored.*"], "users": ["alice", "packager"]},
              {"name": "one character", "testcases": ["?"], "users": ["carol"]},
              {"name": "class", "testcases": ["lint.[abc]", "lint.[!a-z]"], "users": ["dave"]},
              {"name": "second dist entry", "testcases": ["dist.kernel"], "users": ["erin"]}
            ]
            """);

        // Ignored while PERMISSIONS has entries.
        settings["PERMISSION_MAPPING"] = JsonNode.Parse("""{"^other\\.": {"users": ["bob"], "groups": []}}""");
    }

    private static string Denied(string user, string testcase) =>
        new JsonObject { ["message"] = $"User {user} is not authorized to submit results for the test case {testcase}" }.ToJsonString();

    private async Task AssertForbiddenAsync(JsonObject body, string user, string expectedJson)
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(body, user);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson(expectedJson, error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AListedUserMayWaiveAMatchingTestcase()
    {
        var waiver = await CreateAsync(WaiverBody("allowed-1.fc40", "dist.rpmdeplint"), user: "alice");

        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal(("alice", null, "dist.rpmdeplint"), ((string?)row["username"], (string?)row["proxied_by"], (string?)row["testcase"]));
    }

    [Fact]
    public async Task AnUnlistedUserIsForbiddenWithUpstreamsMessage()
    {
        await AssertForbiddenAsync(WaiverBody("denied-1.fc40", "dist.rpmdeplint"), "bob", Denied("bob", "dist.rpmdeplint"));
    }

    [Theory]
    [InlineData("dist.ignored.rpmlint")]
    [InlineData("dist.ignored.")]
    public async Task AnIgnoredTestcaseIsDeniedEvenToAListedUser(string testcase)
    {
        await AssertForbiddenAsync(WaiverBody("ignored-1.fc40", testcase), "alice", Denied("alice", testcase));
    }

    [Fact]
    public async Task TheIgnoreGlobMatchesOnlyWhatItSays()
    {
        var waiver = await CreateAsync(WaiverBody("not-ignored-1.fc40", "dist.ignoredish"), user: "alice");

        Assert.Equal("dist.ignoredish", (string?)waiver["testcase"]);
    }

    [Theory]
    [InlineData("carol", "a", true)]
    [InlineData("carol", "7", true)]
    [InlineData("carol", "ab", false)]
    [InlineData("dave", "lint.a", true)]
    [InlineData("dave", "lint.c", true)]
    [InlineData("dave", "lint.d", false)]
    [InlineData("dave", "lint.ab", false)]
    [InlineData("dave", "lint.7", true)]
    [InlineData("dave", "lint.A", true)]
    [InlineData("dave", "Lint.a", false)]
    [InlineData("alice", "dist", false)]
    [InlineData("alice", "xdist.rpmlint", false)]
    [InlineData("alice", "unrelated", false)]
    public async Task GlobsDecideWhichTestcasesAnEntryCovers(string user, string testcase, bool allowed)
    {
        var body = WaiverBody($"glob-{user}-1.fc40", testcase);
        if (allowed)
        {
            Assert.Equal(testcase, (string?)(await CreateAsync(body, user))["testcase"]);
        }
        else
        {
            await AssertForbiddenAsync(body, user, Denied(user, testcase));
        }
    }

    [Fact]
    public async Task AnyEntryCoveringTheTestcaseMayGrantIt()
    {
        Assert.Equal("erin", (string?)(await CreateAsync(WaiverBody("kernel-1.fc40", "dist.kernel"), "erin"))["username"]);
        Assert.Equal("alice", (string?)(await CreateAsync(WaiverBody("kernel-1.fc40", "dist.kernel"), "alice"))["username"]);
        await AssertForbiddenAsync(WaiverBody("kernel-1.fc40", "dist.rpmlint"), "erin", Denied("erin", "dist.rpmlint"));
    }

    [Fact]
    public async Task PermissionMappingIsIgnoredWhilePermissionsHasEntries()
    {
        await AssertForbiddenAsync(WaiverBody("mapping-1.fc40", "other.test"), "bob", Denied("bob", "other.test"));
    }

    [Fact]
    public async Task ASuperuserRecordsAWaiverForTheUserItProxies()
    {
        var waiver = await CreateAsync(WaiverBody("proxied-1.fc40", "dist.rpmdeplint", b => b["username"] = "packager"), user: "bodhi");

        Assert.Equal(("packager", "bodhi"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal(("packager", "bodhi"), ((string?)row["username"], (string?)row["proxied_by"]));
    }

    [Fact]
    public async Task APermissionCheckAppliesToTheProxiedUserNotTheSuperuser()
    {
        await AssertForbiddenAsync(WaiverBody("proxied-2.fc40", "dist.rpmdeplint", b => b["username"] = "mallory"), "bodhi",
            Denied("mallory", "dist.rpmdeplint"));
    }

    [Fact]
    public async Task ASuperuserWaivingForItselfNeedsItsOwnPermission()
    {
        await AssertForbiddenAsync(WaiverBody("proxied-3.fc40", "dist.rpmdeplint"), "bodhi", Denied("bodhi", "dist.rpmdeplint"));
    }

    [Fact]
    public async Task AProxiedUserIsRefusedAnIgnoredTestcase()
    {
        await AssertForbiddenAsync(WaiverBody("proxied-4.fc40", "dist.ignored.x", b => b["username"] = "packager"), "bodhi",
            Denied("packager", "dist.ignored.x"));
    }

    [Theory]
    [InlineData("packager")]
    [InlineData("alice")]
    public async Task AUserWhoIsNotASuperuserCannotProxy(string onBehalfOf)
    {
        await AssertForbiddenAsync(WaiverBody("proxy-denied-1.fc40", "dist.rpmdeplint", b => b["username"] = onBehalfOf), "alice",
            """{"message": "user alice does not have the proxyuser ability"}""");
    }

    [Fact]
    public async Task TheProxyAbilityIsCheckedBeforeThePermission()
    {
        await AssertForbiddenAsync(WaiverBody("proxy-denied-2.fc40", "unrelated", b => b["username"] = "packager"), "bob",
            """{"message": "user bob does not have the proxyuser ability"}""");
    }

    [Fact]
    public async Task SuperuserNamesAreCaseSensitive()
    {
        await AssertForbiddenAsync(WaiverBody("proxy-denied-3.fc40", "dist.rpmdeplint", b => b["username"] = "packager"), "Bodhi",
            """{"message": "user Bodhi does not have the proxyuser ability"}""");
    }

    [Fact]
    public async Task AProxiedWaiverIsFoundByItsProxy()
    {
        var waiver = await CreateAsync(WaiverBody("proxied-5.fc40", "dist.rpmdeplint", b => b["username"] = "packager"), user: "bodhi");

        var page = await GetJsonAsync(Anonymous, "/api/v1.0/waivers/?proxied_by=bodhi&subject_identifier=proxied-5.fc40");
        var found = Assert.Single(page["data"]!.AsArray())!;
        AssertJson(waiver.ToJsonString(), found);
    }
}
