using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>The pages' protections at the HTTP level: security headers, self-served assets with cache headers, no inline script.</summary>
public sealed class WebSecurityTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "<script>x</script>", "testcases": ["dist.*"], "users": ["alice"]}]""");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/permissions?testcase=dist.x")]
    [InlineData("/api/v1.0/permissions?html=1")]
    [InlineData("/auth/dummy-login")]
    [InlineData("/api/v1.0/about")]
    [InlineData("/waivers/12345")]
    public async Task EveryResponseCarriesAStrictContentSecurityPolicyAndFrameDenial(string url)
    {
        using var response = await Anonymous.GetAsync(url);

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("/static/site.css", "text/css")]
    [InlineData("/api/v1.0/waivers/new/new_waiver.js", "text/javascript")]
    [InlineData("/favicon.png", "image/png")]
    public async Task AssetsAreServedByTheServiceWithCacheHeaders(string url, string mediaType)
    {
        using var response = await Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl?.MaxAge);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await Anonymous.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task TheFormScriptNeverInsertsMarkup()
    {
        var script = await Anonymous.GetStringAsync("/api/v1.0/waivers/new/new_waiver.js");

        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", ".html(" })
        {
            Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
        }

        Assert.Contains("textContent", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagesHaveNoInlineScriptOrStyleAndEncodeServerText()
    {
        var html = await Anonymous.GetStringAsync("/permissions?testcase=dist.%3Cimg%3E");

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/static/site.css\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingWaiverPageIsA404Page()
    {
        using var response = await Anonymous.GetAsync("/waivers/999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("There is no waiver 999.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
