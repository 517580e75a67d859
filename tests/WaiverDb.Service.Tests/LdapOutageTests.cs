using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>An LDAP server that cannot be reached: 502 when a decision needs it, and nothing stored.</summary>
public sealed class LdapOutageTests : ServiceFixture
{
    private static readonly string ClosedLdap = $"ldap://127.0.0.1:{SlapdServer.FreePort()}";

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [{"name": "dist", "testcases": ["dist.*"], "users": ["erin"], "groups": ["packagers"]}]
            """);
        settings["LDAP_HOST"] = ClosedLdap;
        settings["LDAP_SEARCHES"] = JsonNode.Parse($$"""[{"BASE": "ou=groups,{{SlapdServer.Suffix}}"}]""");
        settings["LDAP_TIMEOUT"] = 3;
    }

    [Fact]
    public async Task AnUnreachableLdapServerIsABadGatewayAndNothingIsStored()
    {
        var body = new JsonArray(WaiverBody("outage-1.fc40", "dist.a", b => b["username"] = "erin"), WaiverBody("outage-1.fc40", "dist.b"));
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(body, "bodhi");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        AssertJson(new JsonObject { ["message"] = $"The LDAP server {ClosedLdap}/ is not reachable." }.ToJsonString(), error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AUserListedByNameDoesNotNeedLdap()
    {
        Assert.Equal("erin", (string?)(await CreateAsync(WaiverBody("outage-2.fc40", "dist.rpmdeplint"), user: "erin"))["username"]);
    }
}
