using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary><c>AUTH_METHODS = ["OIDC", "dummy"]</c>: each method in turn, and both challenges when neither authenticates.</summary>
public sealed class OidcWithDummyTests : ServiceFixture
{
    private readonly OidcProvider _provider = new();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["AUTH_METHODS"] = new JsonArray("OIDC", "dummy");
        settings["OIDC_CLIENT_SECRETS"] = _provider.SecretsFile;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _provider.Dispose();
    }

    [Fact]
    public async Task BasicCredentialsStillWorkAfterOidc()
    {
        var waiver = await CreateAsync(WaiverBody(), user: "basic-user");

        Assert.Equal("basic-user", (string?)waiver["username"]);
    }

    [Fact]
    public async Task ABearerTokenIsTakenByOidc()
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), _provider.Token("token-user"));

        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("token-user", (string?)(await ReadJsonAsync(response))["username"]);
    }

    [Fact]
    public async Task ARequestWithNeitherGetsBothChallenges()
    {
        using var response = await Anonymous.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Bearer", "Basic realm=\"dummy\""], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        AssertJson("""{"message": "Authentication required: no credentials were sent (accepted: OIDC, dummy)"}""", await ReadJsonAsync(response));
    }

    [Fact]
    public async Task AnExpiredTokenIsReportedWithBothChallenges()
    {
        var token = _provider.Token(change: d => (d.NotBefore, d.Expires, d.IssuedAt) =
            (DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(-2)));
        using var client = OidcProvider.WithBearer(Application.CreateClient(), token);

        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, response.Headers.WwwAuthenticate.Count);
        AssertJson("""{"message": "Authentication failed (OIDC: the token has expired)"}""", await ReadJsonAsync(response));
    }

    [Fact]
    public async Task AboutReportsTheFirstMethod()
    {
        Assert.Equal("OIDC", (string?)(await GetJsonAsync(Anonymous, "/api/v1.0/about"))["auth_method"]);
    }
}
