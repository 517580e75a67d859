using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>ADMINS</c> groups looked up in a real slapd (<c>LDAP_HOST</c>, <c>LDAP_SEARCHES</c>)
/// when the authentication method gave none: the dummy method here.
/// </summary>
public sealed class AdminLdapGroupTests(SlapdServer slapd) : ServiceFixture, IClassFixture<SlapdServer>
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["ADMINS"] = new JsonObject { ["groups"] = new JsonArray("release-team") };
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

    private async Task<(HttpStatusCode Status, JsonNode Body)> RevokeAsync(string user, int id)
    {
        using var client = As(user);
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{id}/revoke", Json("""{"reason": "wrong build"}"""));
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    [Fact]
    public async Task AMemberOfTheAdminGroupInLdapMayRevokeAndReadTheAuditLog()
    {
        var id = (int)(await CreateAsync(WaiverBody()))["id"]!;

        var (status, body) = await RevokeAsync("dave", id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("revoke", "dave"), ((string?)body["audit"]!["action"], (string?)body["audit"]!["admin"]));
        Assert.False((bool)body["waiver"]!["waived"]!);
        using var dave = As("dave");
        var audit = await GetJsonAsync(dave, "/api/v1.0/admin/audit");
        Assert.Equal(["dave"], audit["data"]!.AsArray().Select(e => (string?)e!["admin"]));
    }

    [Theory]
    [InlineData("alice")] // in LDAP, in another group
    [InlineData("carol")] // in a group of the same search, not the admin group
    [InlineData("nobody")] // unknown to LDAP
    public async Task AUserNotInTheAdminGroupInLdapGets403NamingThemAndChangesNothing(string user)
    {
        var id = (int)(await CreateAsync(WaiverBody()))["id"]!;

        var (status, body) = await RevokeAsync(user, id);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson(new JsonObject { ["message"] = $"User {user} is not an administrator (ADMINS)" }.ToJsonString(), body);
        Assert.Equal(1, await CountWaiversAsync());
    }

    [Fact]
    public async Task JoiningOrLeavingTheAdminGroupInLdapTakesEffectWithTheCacheOff()
    {
        using var erin = As("erin");
        using var refused = await erin.GetAsync("/api/v1.0/admin/audit");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await slapd.ModifyAsync($"""
            dn: cn=release-team,ou=teams,{SlapdServer.Suffix}
            changetype: modify
            add: memberUid
            memberUid: erin

            """);
        Assert.Equal(0, (int)(await GetJsonAsync(erin, "/api/v1.0/admin/audit"))["total"]!);

        await slapd.ModifyAsync($"""
            dn: cn=release-team,ou=teams,{SlapdServer.Suffix}
            changetype: modify
            delete: memberUid
            memberUid: erin

            """);
        using var again = await erin.GetAsync("/api/v1.0/admin/audit");
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }
}
