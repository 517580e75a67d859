using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>CORS_SUPPORTS_CREDENTIALS lets Bodhi's web UI call the API with the user's credentials.</summary>
public sealed class CorsCredentialsTests : ServiceFixture
{
    private const string Bodhi = "https://bodhi.fedoraproject.org";

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["CORS_ORIGINS"] = new JsonArray(Bodhi);
        settings["CORS_SUPPORTS_CREDENTIALS"] = true;
    }

    [Fact]
    public async Task APreflightFromAnAllowedOriginAllowsCredentials()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1.0/waivers/");
        preflight.Headers.Add("Origin", Bodhi);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await Anonymous.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Bodhi, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task AnotherOriginGetsNeitherOriginNorCredentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }
}
