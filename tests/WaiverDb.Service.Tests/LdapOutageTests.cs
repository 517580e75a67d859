using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Tests.Infrastructure;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Tests;

/// <summary>An LDAP server that cannot be reached: 502 when a decision needs it, and nothing stored.</summary>
public sealed class LdapOutageTests : ServiceFixture
{
    private static readonly string ClosedLdap = $"ldap://127.0.0.1:{LoopbackPorts.Free()}";

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

    [Fact]
    public async Task GroupsFromTheCallersTokenAreCheckedBeforeLdap()
    {
        // The dummy method carries no groups; a token method would put them in the "groups" claim.
        using var scope = Application.Services.CreateScope();
        var creator = scope.ServiceProvider.GetRequiredService<WaiverCreator>();
        var request = new CreateWaiverRequest
        {
            SubjectType = "koji_build",
            SubjectIdentifier = "outage-3.fc40",
            Testcase = "dist.rpmdeplint",
            ProductVersion = "fedora-40",
            Comment = "ok",
        };

        var granted = await creator.CreateAsync([request], new CurrentUser("alice", ["packagers"]), CancellationToken.None);
        var needsLdap = await creator.CreateAsync([request], new CurrentUser("alice", ["qa"]), CancellationToken.None);

        Assert.Equal(("alice", StatusCodes.Status201Created), (Assert.Single(granted.Created!).Username, granted.Status));
        Assert.Equal(StatusCodes.Status502BadGateway, needsLdap.Status);
    }
}
