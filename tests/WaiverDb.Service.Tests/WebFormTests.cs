using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>/api/v1.0/waivers/new</c> at the HTTP level: a browser session needs its anti-forgery
/// token, API credentials create exactly as <c>POST /waivers/</c>, and the redirects keep the query.
/// </summary>
public sealed partial class WebFormTests : ServiceFixture
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private HttpClient Browser() =>
        Application.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> TokenOfAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
        return WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
    }

    /// <summary>Signs <paramref name="user"/> in at the development sign-in page.</summary>
    private static async Task SignInAsync(HttpClient browser, string user)
    {
        var token = await TokenOfAsync(browser, "/auth/dummy-login");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("username", user), new("next", "/")]);
        using var response = await browser.PostAsync("/auth/dummy-login", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("waiverdb_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostingToTheFormUrlWithApiCredentialsCreatesExactlyAsTheApiDoes()
    {
        using var client = As("alice");
        using var viaForm = await client.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody("form-1")));
        using var viaApi = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody("api-1")));

        Assert.Equal(HttpStatusCode.Created, viaForm.StatusCode);
        Assert.Equal(HttpStatusCode.Created, viaApi.StatusCode);
        var form = (await ReadJsonAsync(viaForm)).AsObject();
        var api = (await ReadJsonAsync(viaApi)).AsObject();
        Assert.Equal($"/api/v1.0/waivers/{form.Id()}", viaForm.Headers.Location?.OriginalString);
        foreach (var key in api.Select(p => p.Key).Where(k => k is not ("id" or "timestamp" or "subject_identifier" or "subject")))
        {
            Assert.True(JsonNodeEquals(api[key], form[key]), key);
        }

        Assert.Equal("alice", (string?)form["username"]);
    }

    private static bool JsonNodeEquals(System.Text.Json.Nodes.JsonNode? a, System.Text.Json.Nodes.JsonNode? b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(a, b);

    [Fact]
    public async Task ApiCredentialsThatFailAreRefusedAsByTheApi()
    {
        using var client = Application.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "not base64!");
        using var response = await client.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertJson("""{"message": "Authentication failed (dummy: the Basic credentials are not valid base64)"}""", await ReadJsonAsync(response));
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task ValidationErrorsAreTheApisOwn()
    {
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody(change: b => b.Remove("comment"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertJson("""{"message": "comment: Field required", "validation_error": [{"loc": ["comment"], "msg": "Field required", "type": "missing"}]}""",
            await ReadJsonAsync(response));
    }

    [Fact]
    public async Task ASessionWithoutTheAntiforgeryTokenIsRefusedAndNothingIsStored()
    {
        using var browser = Browser();
        await SignInAsync(browser, "carol");

        using var response = await browser.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertJson("""{"message": "The form's anti-forgery token is missing or invalid: reload the page and submit it again."}""",
            await ReadJsonAsync(response));
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task ATokenFromAnotherSessionIsRefused()
    {
        using var other = Browser();
        await SignInAsync(other, "mallory");
        var stolen = await TokenOfAsync(other, "/api/v1.0/waivers/new");
        using var browser = Browser();
        await SignInAsync(browser, "carol");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/new") { Content = Json(WaiverBody()) };
        request.Headers.Add("RequestVerificationToken", stolen);
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task ASessionWithItsTokenCreatesTheWaiverForTheSignedInUser()
    {
        using var browser = Browser();
        await SignInAsync(browser, "carol");
        var token = await TokenOfAsync(browser, "/api/v1.0/waivers/new?testcase=dist.rpmdeplint");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/new") { Content = Json(WaiverBody()) };
        request.Headers.Add("RequestVerificationToken", token);
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("carol", (string?)(await ReadJsonAsync(response))["username"]);
    }

    [Fact]
    public async Task WithoutJavaScriptThePostedFormCreatesAndGoesToTheWaiverPage()
    {
        using var browser = Browser();
        await SignInAsync(browser, "carol");
        var token = await TokenOfAsync(browser, "/api/v1.0/waivers/new");

        using var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", token), new("subject_type", "koji_build"), new("subject_identifier", "nojs-1"),
            new("testcase", "dist.nojs"), new("product_version", "fedora-43"), new("comment", "no script"), new("scenario", "")]);
        using var response = await browser.PostAsync("/api/v1.0/waivers/new", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await StoredWaiverAsync(1);
        Assert.Equal("carol", stored["username"]);
        Assert.Null(stored["scenario"]);
        Assert.Equal("/waivers/1?created=1", response.Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync("/waivers/1?created=1");
        Assert.Contains("New waiver created. ID: 1", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutJavaScriptFieldErrorsComeBackOnTheForm()
    {
        using var browser = Browser();
        await SignInAsync(browser, "carol");
        var token = await TokenOfAsync(browser, "/api/v1.0/waivers/new");

        using var form = new FormUrlEncodedContent([
            new("__RequestVerificationToken", token), new("subject_type", "koji_build"), new("subject_identifier", "<i>nojs</i>"),
            new("testcase", "dist.nojs"), new("product_version", "fedora-43"), new("comment", " ")]);
        using var response = await browser.PostAsync("/api/v1.0/waivers/new", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<div id=\"comment-error\" class=\"field-error\">String should have at least 1 character</div>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;i&gt;nojs&lt;/i&gt;\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task WithoutASessionTheFormSendsTheBrowserToSignInAndBackWithItsQuery()
    {
        using var browser = Browser();
        using var response = await browser.GetAsync("/api/v1.0/waivers/new?testcase=a.b&comment=x%20y");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/auth/dummy-login?next=%2Fapi%2Fv1.0%2Fwaivers%2Fnew%3Ftestcase%3Da.b%26comment%3Dx%2520y",
            response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task WithoutASessionOrCredentialsAJsonPostIsUnauthorized()
    {
        using var response = await Anonymous.PostAsync("/api/v1.0/waivers/new", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertJson("""{"message": "Sign in first: the session has expired or was never opened."}""", await ReadJsonAsync(response));
    }

    [Fact]
    public async Task TheDeprecatedCreateUrlRedirectsToTheFormKeepingTheQuery()
    {
        using var browser = Browser();
        using var response = await browser.GetAsync("/api/v1.0/waivers/create?testcase=a.b&subject_identifier=x%26y");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/v1.0/waivers/new?testcase=a.b&subject_identifier=x%26y", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SigningInWithoutTheAntiforgeryTokenIsRefused()
    {
        using var browser = Browser();
        using var form = new FormUrlEncodedContent([new("username", "carol"), new("next", "/")]);
        using var response = await browser.PostAsync("/auth/dummy-login", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("waiverdb_session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignInOnlyReturnsToPagesOfThisSite()
    {
        using var browser = Browser();
        var token = await TokenOfAsync(browser, "/auth/dummy-login");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("username", "carol"), new("next", "//evil.example/")]);
        using var response = await browser.PostAsync("/auth/dummy-login", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSiteLax()
    {
        using var browser = Browser();
        var token = await TokenOfAsync(browser, "/auth/dummy-login");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("username", "carol")]);
        using var response = await browser.PostAsync("/auth/dummy-login", form);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("waiverdb_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=", cookie, StringComparison.Ordinal);
    }
}
