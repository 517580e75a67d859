using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// Fedora's setup: Bodhi sends a static opaque token that is introspected, the user is the
/// <c>sub</c> field (<c>OIDC_USERNAME_FIELD = "sub"</c>), and <c>bodhi@service</c> is a
/// superuser that records waivers for packagers.
/// </summary>
public sealed class OidcBodhiTests : ServiceFixture
{
    private const string BodhiToken = "bodhi-static-token-0123456789";
    private readonly OidcProvider _provider = new();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["DEVELOPMENT"] = false;
        settings["AUTH_METHODS"] = new JsonArray("OIDC");
        settings["OIDC_CLIENT_SECRETS"] = _provider.SecretsFile;
        settings["OIDC_USERNAME_FIELD"] = "sub";
        settings["SUPERUSERS"] = new JsonArray("bodhi@service");
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "users": ["packager"]}]""");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // As Ipsilon answers for a service token: no expiry, the service account as sub.
        _provider.Introspects(BodhiToken, new JsonObject
        {
            ["active"] = true, ["sub"] = "bodhi@service", ["client_id"] = "bodhi", ["token_type"] = "Bearer", ["scope"] = "openid",
        });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _provider.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsBodhiAsync(JsonObject body)
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), BodhiToken);
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(body));
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    [Fact]
    public async Task BodhiRecordsAWaiverForAPackager()
    {
        var (status, waiver) = await PostAsBodhiAsync(WaiverBody(change: b => b["username"] = "packager"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("packager", "bodhi@service"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal(("packager", "bodhi@service"), ((string?)row["username"], (string?)row["proxied_by"]));
    }

    [Fact]
    public async Task ThePermissionCheckIsForTheProxiedPackager()
    {
        var (status, error) = await PostAsBodhiAsync(WaiverBody(change: b => b["username"] = "stranger"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "User stranger is not authorized to submit results for the test case dist.rpmdeplint"}""", error);
    }

    [Fact]
    public async Task AnotherServiceTokenMayNotProxy()
    {
        _provider.Introspects("other-service-token", new JsonObject { ["active"] = true, ["sub"] = "robot@service" });
        using var client = OidcProvider.WithBearer(Application.CreateClient(), "other-service-token");

        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody(change: b => b["username"] = "packager")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertJson("""{"message": "user robot@service does not have the proxyuser ability"}""", await ReadJsonAsync(response));
    }
}
