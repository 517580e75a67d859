using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>PERMISSIONS</c> groups looked up in a real slapd (<c>LDAP_HOST</c>, <c>LDAP_SEARCHES</c>)
/// when the user is not listed by name.
/// </summary>
public sealed class LdapGroupTests(SlapdServer slapd) : ServiceFixture, IClassFixture<SlapdServer>
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SUPERUSERS"] = new JsonArray("bodhi");
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [
              {"name": "dist", "testcases": ["dist.*"], "users": ["erin"], "groups": ["packagers"]},
              {"name": "kernel", "testcases": ["kernel.*"], "groups": ["kernel-team"]}
            ]
            """);
        settings["LDAP_HOST"] = slapd.Uri;
        settings["LDAP_SEARCHES"] = new JsonArray(
            new JsonObject { ["BASE"] = $"ou=groups,{SlapdServer.Suffix}" },
            new JsonObject
            {
                ["BASE"] = $"ou=teams,{SlapdServer.Suffix}",
                ["SEARCH_STRING"] = "(&(objectClass=posixGroup)(memberUid={user}))",
            });
        settings["LDAP_CACHE_SECONDS"] = 0;
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
    public async Task AMemberOfAPermittedLdapGroupMayWaive()
    {
        var waiver = await CreateAsync(WaiverBody("ldap-1.fc40", "dist.rpmdeplint"), user: "alice");

        Assert.Equal(("alice", null), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
    }

    [Fact]
    public async Task AUserInNoPermittedGroupIsForbiddenWithUpstreamsMessage()
    {
        await AssertForbiddenAsync(WaiverBody("ldap-2.fc40", "dist.rpmdeplint"), "bob", Denied("bob", "dist.rpmdeplint"));
    }

    [Fact]
    public async Task AUserLdapDoesNotKnowIsForbidden()
    {
        await AssertForbiddenAsync(WaiverBody("ldap-3.fc40", "dist.rpmdeplint"), "nobody", Denied("nobody", "dist.rpmdeplint"));
    }

    [Fact]
    public async Task AProxiedUserIsGrantedThroughTheirOwnLdapGroups()
    {
        var waiver = await CreateAsync(WaiverBody("ldap-4.fc40", "dist.rpmdeplint", b => b["username"] = "alice"), user: "bodhi");

        Assert.Equal(("alice", "bodhi"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
    }

    [Fact]
    public async Task AProxiedUserOutsideThePermittedGroupsIsForbidden()
    {
        await AssertForbiddenAsync(WaiverBody("ldap-5.fc40", "dist.rpmdeplint", b => b["username"] = "bob"), "bodhi",
            Denied("bob", "dist.rpmdeplint"));
    }

    [Fact]
    public async Task EverySearchOfLdapSearchesCounts()
    {
        var waiver = await CreateAsync(WaiverBody("ldap-6.fc40", "kernel.boot"), user: "carol");

        Assert.Equal("carol", (string?)waiver["username"]);
        await AssertForbiddenAsync(WaiverBody("ldap-6.fc40", "dist.rpmdeplint"), "carol", Denied("carol", "dist.rpmdeplint"));
        await AssertForbiddenAsync(WaiverBody("ldap-6.fc40", "kernel.boot"), "alice", Denied("alice", "kernel.boot"));
    }

    [Fact]
    public async Task AUserListedByNameNeedsNoGroup()
    {
        Assert.Equal("erin", (string?)(await CreateAsync(WaiverBody("ldap-7.fc40", "dist.rpmdeplint"), user: "erin"))["username"]);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*)(memberUid=*")]
    [InlineData("alice)(|(memberUid=*")]
    [InlineData(@"\2a")]
    public async Task AUserNameCannotChangeTheLdapFilter(string user)
    {
        await AssertForbiddenAsync(WaiverBody("ldap-8.fc40", "dist.rpmdeplint"), user, Denied(user, "dist.rpmdeplint"));
        await AssertForbiddenAsync(WaiverBody("ldap-8.fc40", "kernel.boot"), user, Denied(user, "kernel.boot"));
    }

    [Fact]
    public async Task AListOfWaiversIsAllowedOrRefusedAsAWhole()
    {
        var body = new JsonArray(WaiverBody("ldap-9.fc40", "dist.a", b => b["username"] = "alice"),
            WaiverBody("ldap-9.fc40", "kernel.a", b => b["username"] = "carol"),
            WaiverBody("ldap-9.fc40", "dist.b", b => b["username"] = "alice"));
        var (created, waivers) = await PostWaiversAsync(body.DeepClone(), "bodhi");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(3, waivers.AsArray().Count);

        var before = await CountWaiversAsync();
        body.Add(WaiverBody("ldap-9.fc40", "kernel.b", b => b["username"] = "bob"));
        var (status, error) = await PostWaiversAsync(body.DeepClone(), "bodhi");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson(Denied("bob", "kernel.b"), error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task GroupChangesInLdapApplyWhenTheCacheIsOff()
    {
        Assert.Equal("frank", (string?)(await CreateAsync(WaiverBody("ldap-10.fc40", "dist.rpmdeplint"), user: "frank"))["username"]);

        await slapd.ModifyAsync($"""
            dn: cn=packagers,ou=groups,{SlapdServer.Suffix}
            changetype: modify
            delete: memberUid
            memberUid: frank

            """);

        await AssertForbiddenAsync(WaiverBody("ldap-10.fc40", "dist.rpmdeplint"), "frank", Denied("frank", "dist.rpmdeplint"));
    }
}
