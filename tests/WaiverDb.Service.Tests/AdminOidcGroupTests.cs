using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>ADMINS</c> groups granted through the groups an OIDC token carries: an opaque token
/// introspected at a provider on loopback, its roles at <c>OIDC_GROUPS_FIELD</c>.
/// </summary>
public sealed class AdminOidcGroupTests : ServiceFixture
{
    private readonly OidcProvider _provider = new();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["DEVELOPMENT"] = false;
        settings["AUTH_METHODS"] = new JsonArray("OIDC");
        settings["OIDC_CLIENT_SECRETS"] = _provider.SecretsFile;
        settings["ADMINS"] = new JsonObject { ["users"] = new JsonArray("root"), ["groups"] = new JsonArray("waiverdb-admins") };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _provider.Dispose();
    }

    /// <summary>An opaque token the provider says belongs to <paramref name="user"/>, member of <paramref name="roles"/>.</summary>
    private string OpaqueToken(string user, params string[] roles)
    {
        var token = $"opaque-{user}-{Guid.NewGuid():N}";
        _provider.Introspects(token, new JsonObject
        {
            ["active"] = true,
            ["preferred_username"] = user,
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
            ["realm_access"] = new JsonObject { ["roles"] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]) },
        });
        return token;
    }

    private async Task<int> CreateWaiverAsync()
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), _provider.Token("packager"));
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));
        var body = await ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (int)body["id"]!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> RevokeAsync(string token, int id)
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), token);
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{id}/revoke", Json("""{"reason": "wrong build"}"""));
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    [Fact]
    public async Task ATokenWhoseIntrospectedGroupsIncludeTheAdminGroupMayRevoke()
    {
        var id = await CreateWaiverAsync();

        var (status, body) = await RevokeAsync(OpaqueToken("gina", "offline_access", "waiverdb-admins"), id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("revoke", "gina", id), ((string?)body["audit"]!["action"], (string?)body["audit"]!["admin"], (int)body["audit"]!["waiver_id"]!));
        Assert.Equal(("gina", false), ((string?)body["waiver"]!["username"], (bool)body["waiver"]!["waived"]!));
        Assert.Equal(2, await CountWaiversAsync());
        Assert.Equal(1, _provider.IntrospectionCalls);
    }

    [Fact]
    public async Task ATokenWithoutTheAdminGroupGets403NamingTheUserAndChangesNothing()
    {
        var id = await CreateWaiverAsync();

        var (status, body) = await RevokeAsync(OpaqueToken("hank", "offline_access", "packagers", "waiverdb-admins-not"), id);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "User hank is not an administrator (ADMINS)"}""", body);
        Assert.Equal(1, await CountWaiversAsync());
    }

    [Fact]
    public async Task AJwtWhoseRolesIncludeTheAdminGroupMayReadTheAuditLog()
    {
        using var admin = OidcProvider.WithBearer(Application.CreateClient(), _provider.Token("ivy", roles: ["waiverdb-admins"]));
        using var other = OidcProvider.WithBearer(Application.CreateClient(), _provider.Token("jack", roles: ["packagers"]));

        Assert.Equal(0, (int)(await GetJsonAsync(admin, "/api/v1.0/admin/audit"))["total"]!);
        using var refused = await other.GetAsync("/api/v1.0/admin/audit");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        AssertJson("""{"message": "User jack is not an administrator (ADMINS)"}""", await ReadJsonAsync(refused));
    }
}
