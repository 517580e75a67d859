using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>With neither <c>PERMISSIONS</c> nor <c>PERMISSION_MAPPING</c>, anyone may waive anything, but nobody may proxy.</summary>
public sealed class OpenPermissionsTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SUPERUSERS"] = new JsonArray();
        settings["PERMISSIONS"] = new JsonArray();
        settings["PERMISSION_MAPPING"] = new JsonObject();
    }

    [Theory]
    [InlineData("alice", "dist.rpmdeplint")]
    [InlineData("bob", "update.install_default_update_live")]
    [InlineData("someone.else", "anything at all")]
    public async Task AnyUserMayWaiveAnyTestcase(string user, string testcase)
    {
        var waiver = await CreateAsync(WaiverBody($"open-{user}-1.fc40", testcase), user);

        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal((user, testcase), ((string?)row["username"], (string?)row["testcase"]));
    }

    [Fact]
    public async Task WithoutSuperusersNobodyMayProxy()
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(WaiverBody("open-proxy-1.fc40", change: b => b["username"] = "packager"), "bodhi");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "user bodhi does not have the proxyuser ability"}""", error);
        Assert.Equal(before, await CountWaiversAsync());
    }
}
