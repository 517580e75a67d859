using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>LDAP searches made after a simple bind with <c>LDAP_BIND_DN</c> and <c>LDAP_BIND_PASSWORD</c>.</summary>
public sealed class LdapBindTests(SlapdServer slapd) : ServiceFixture, IClassFixture<SlapdServer>
{
    private string _password = SlapdServer.AdminPassword;

    public override Task InitializeAsync() => Task.CompletedTask;

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "groups": ["packagers"]}]""");
        settings["LDAP_HOST"] = slapd.Uri;
        settings["LDAP_BASE"] = $"ou=groups,{SlapdServer.Suffix}";
        settings["LDAP_BIND_DN"] = SlapdServer.AdminDn;
        settings["LDAP_BIND_PASSWORD"] = _password;
    }

    [Fact]
    public async Task TheSearchRunsAsTheBoundUser()
    {
        await base.InitializeAsync();

        Assert.Equal("alice", (string?)(await CreateAsync(WaiverBody("bind-1.fc40", "dist.rpmdeplint"), user: "alice"))["username"]);
    }

    [Fact]
    public async Task AWrongBindPasswordIsABadGatewayThatSaysSo()
    {
        _password = "wrong";
        await base.InitializeAsync();

        var (status, error) = await PostWaiversAsync(WaiverBody("bind-2.fc40", "dist.rpmdeplint"), "alice");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.StartsWith($"The LDAP group lookup at {slapd.Uri}/ failed: ", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(0, await CountWaiversAsync());
    }
}
