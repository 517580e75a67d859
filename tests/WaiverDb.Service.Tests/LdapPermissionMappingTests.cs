using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>The deprecated <c>PERMISSION_MAPPING</c> and upstream's single-search <c>LDAP_BASE</c> form, with groups from slapd.</summary>
public sealed class LdapPermissionMappingTests(SlapdServer slapd) : ServiceFixture, IClassFixture<SlapdServer>
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSION_MAPPING"] = JsonNode.Parse("""{"^dist\\.": {"groups": ["packagers"], "users": []}}""");
        settings["LDAP_HOST"] = slapd.Uri;
        settings["LDAP_BASE"] = $"ou=groups,{SlapdServer.Suffix}";
    }

    [Fact]
    public async Task AMappedGroupFromLdapGrantsTheTestcase()
    {
        Assert.Equal("alice", (string?)(await CreateAsync(WaiverBody("mapping-1.fc40", "dist.rpmdeplint"), user: "alice"))["username"]);
    }

    [Fact]
    public async Task AUserOutsideTheMappedGroupIsForbidden()
    {
        var (status, error) = await PostWaiversAsync(WaiverBody("mapping-2.fc40", "dist.rpmdeplint"), "bob");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "User bob is not authorized to submit results for the test case dist.rpmdeplint"}""", error);
    }
}
