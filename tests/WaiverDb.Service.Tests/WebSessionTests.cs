using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The browser session across replicas: cookies are encrypted with a key derived from
/// <c>SECRET_KEY</c>, so any replica with the same secret reads them and one with another does not.
/// </summary>
public sealed partial class WebSessionTests : ServiceFixture
{
    private const string Secret = "the shared secret of all replicas";

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SECRET_KEY"] = Secret;
        settings["PERMANENT_SESSION_LIFETIME"] = 600;
    }

    private async Task<string> SessionCookieAsync(string user)
    {
        using var browser = Application.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var html = await browser.GetStringAsync("/auth/dummy-login");
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("username", user)]);
        using var response = await browser.PostAsync("/auth/dummy-login", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("waiverdb_session=", StringComparison.Ordinal));
        return cookie.Split(';')[0];
    }

    private static async Task<string> StartPageAsync(WaiverDbApplication replica, string cookie)
    {
        using var client = replica.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private WaiverDbApplication Replica(string secret) => new(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), s =>
    {
        s["SECRET_KEY"] = secret;
        s["MIGRATE_ON_STARTUP"] = false;
    }));

    [Fact]
    public async Task AnotherReplicaWithTheSameSecretKeyReadsTheSession()
    {
        var cookie = await SessionCookieAsync("carol");
        await using var replica = Replica(Secret);

        Assert.Contains("<strong id=\"signed-in-user\">carol</strong>", await StartPageAsync(replica, cookie), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplicaWithAnotherSecretKeyDoesNotReadTheSession()
    {
        var cookie = await SessionCookieAsync("carol");
        await using var replica = Replica("quite another secret, also long");

        var page = await StartPageAsync(replica, cookie);
        Assert.DoesNotContain("signed-in-user", page, StringComparison.Ordinal);
        Assert.Contains("id=\"sign-in\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSessionLastsPermanentSessionLifetime()
    {
        var options = Application.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get("web-session");

        Assert.Equal(TimeSpan.FromSeconds(600), options.ExpireTimeSpan);
        Assert.False(options.SlidingExpiration);
        Assert.Equal(SameSiteMode.Lax, options.Cookie.SameSite);
        Assert.True(options.Cookie.HttpOnly);
    }
}

/// <summary>The OIDC sign-in outside development: where the browser is sent, and Secure cookies.</summary>
public sealed class WebOidcSignInTests : ServiceFixture
{
    private readonly OidcProvider _provider = new();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["DEVELOPMENT"] = false;
        settings["AUTH_METHODS"] = new JsonArray("OIDC");
        settings["OIDC_CLIENT_SECRETS"] = _provider.SecretsFile;
        settings["OIDC_SCOPES"] = new JsonArray("openid", "email", "https://waiverdb.example/oidc/create-waiver");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _provider.Dispose();
    }

    [Fact]
    public async Task TheFormSendsTheBrowserToTheProviderWithPkceAndTheRegisteredRedirectUri()
    {
        using var browser = Application.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await browser.GetAsync("/api/v1.0/waivers/new?testcase=dist.x");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(_provider.Issuer + "/protocol/openid-connect/auth?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"].ToString());
        // No response_mode: the code comes back in the query, the code flow's default, not as a cross-site form post.
        Assert.False(query.ContainsKey("response_mode"));
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Equal(OidcProvider.ClientId, query["client_id"].ToString());
        Assert.Equal("https://waiverdb.example/oidc_callback", query["redirect_uri"].ToString());
        Assert.Equal("openid email https://waiverdb.example/oidc/create-waiver", query["scope"].ToString());

        // Outside development every cookie of the sign-in is Secure; SameSite=Lax lets it come back with the redirect.
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.Contains("samesite=lax", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheSessionCookieIsSecureOutsideDevelopment()
    {
        var options = Application.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get("web-session");

        Assert.Equal(CookieSecurePolicy.Always, options.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task ABearerTokenCreatesThroughTheFormUrlAsThroughTheApi()
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), _provider.Token("alice"));
        using var response = await client.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("alice", (string?)(await ReadJsonAsync(response))["username"]);
    }
}
