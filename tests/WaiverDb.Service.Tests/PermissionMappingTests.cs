using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The deprecated <c>PERMISSION_MAPPING</c>, used while <c>PERMISSIONS</c> is empty: its keys
/// are regular expressions matched at the start of the test case, as Python's <c>re.match</c>.
/// </summary>
public sealed class PermissionMappingTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SUPERUSERS"] = new JsonArray("bodhi");
        settings["PERMISSIONS"] = new JsonArray();
        settings["PERMISSION_MAPPING"] = JsonNode.Parse("""
            {
              "^dist\\.": {"groups": [], "users": ["alice"]},
              "qa\\..*": {"groups": ["qa-team"], "users": ["bob"]},
              "kernel|firmware": {"users": ["carol"]}
            }
            """);
    }

    private async Task AssertDeniedAsync(string user, string testcase, Action<JsonObject>? change = null, string? recordedFor = null)
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(WaiverBody("mapped-1.fc40", testcase, change), user);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson(new JsonObject
        {
            ["message"] = $"User {recordedFor ?? user} is not authorized to submit results for the test case {testcase}",
        }.ToJsonString(), error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("alice", "dist.rpmdeplint")]
    [InlineData("alice", "dist.")]
    [InlineData("bob", "qa.test")]
    [InlineData("bob", "qa.test.with.dots")]
    [InlineData("carol", "kernel-qe.boot")]
    [InlineData("carol", "firmware")]
    public async Task AUserListedForAMatchingPatternMayWaive(string user, string testcase)
    {
        var waiver = await CreateAsync(WaiverBody("mapped-1.fc40", testcase), user);

        Assert.Equal((user, testcase), ((string?)waiver["username"], (string?)waiver["testcase"]));
    }

    [Theory]
    [InlineData("bob", "dist.rpmdeplint")]
    [InlineData("alice", "qa.test")]
    [InlineData("alice", "xdist.rpmdeplint")]
    [InlineData("alice", "distx")]
    [InlineData("bob", "my.qa.test")]
    [InlineData("bob", "qa")]
    [InlineData("carol", "linux-firmware")]
    [InlineData("alice", "unmapped")]
    public async Task OtherUsersAndTestcasesMatchedOnlyMidwayAreDenied(string user, string testcase)
    {
        await AssertDeniedAsync(user, testcase);
    }

    [Fact]
    public async Task ASuperuserMayProxyForAMappedUser()
    {
        var waiver = await CreateAsync(WaiverBody("mapped-proxy-1.fc40", "dist.rpmdeplint", b => b["username"] = "alice"), "bodhi");

        Assert.Equal(("alice", "bodhi"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
    }

    [Fact]
    public async Task TheMappingIsCheckedForTheProxiedUser()
    {
        await AssertDeniedAsync("bodhi", "dist.rpmdeplint", b => b["username"] = "bob", recordedFor: "bob");
    }
}
