using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>With the cache on, a user's groups are reused for <c>LDAP_CACHE_SECONDS</c>.</summary>
public sealed class LdapCacheTests(SlapdServer slapd) : ServiceFixture, IClassFixture<SlapdServer>
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "groups": ["packagers"]}]""");
        settings["LDAP_HOST"] = slapd.Uri;
        settings["LDAP_SEARCHES"] = JsonNode.Parse($$"""[{"BASE": "ou=groups,{{SlapdServer.Suffix}}", "SEARCH_STRING": "(memberUid={user})"}]""");
        settings["LDAP_CACHE_SECONDS"] = 300;
    }

    [Fact]
    public async Task AUsersGroupsAreReusedWhileCached()
    {
        await CreateAsync(WaiverBody("cache-1.fc40", "dist.a"), user: "frank");

        await slapd.ModifyAsync($"""
            dn: cn=packagers,ou=groups,{SlapdServer.Suffix}
            changetype: modify
            delete: memberUid
            memberUid: frank

            """);

        // Still a packager from the cache; a user not asked about before sees the change.
        await CreateAsync(WaiverBody("cache-1.fc40", "dist.b"), user: "frank");
        await slapd.ModifyAsync($"""
            dn: cn=packagers,ou=groups,{SlapdServer.Suffix}
            changetype: modify
            delete: memberUid
            memberUid: alice

            """);
        var (status, _) = await PostWaiversAsync(WaiverBody("cache-1.fc40", "dist.c"), "alice");
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
