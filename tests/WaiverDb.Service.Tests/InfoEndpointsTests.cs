using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary><c>/about</c>, <c>/config</c> and <c>/permissions</c>, which anyone may read.</summary>
public sealed class InfoEndpointsTests : ServiceFixture
{
    private const string Permissions = """
        [
          {"name": "<b>x</b>", "maintainers": ["qa&tools@example.com"], "testcases": ["dist.*"],
           "testcases_ignore": ["dist.ignored.*"], "users": ["alice"], "groups": ["qa-team"]},
          {"name": "kernel", "testcases": ["kernel-qe.*", "dist.kernel"], "users": ["bob"]}
        ]
        """;

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["SUPERUSERS"] = new JsonArray("bodhi", "releng");
        settings["PERMISSIONS"] = JsonNode.Parse(Permissions);
        settings["PERMISSION_MAPPING"] = JsonNode.Parse("""{"^dist\\.": {"groups": ["packagers"], "users": ["carol"]}}""");
    }

    private async Task<string> GetHtmlAsync(string url)
    {
        using var response = await Anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task AboutGivesTheVersionAndTheFirstAuthMethod()
    {
        var about = (await GetJsonAsync(Anonymous, "/api/v1.0/about")).AsObject();

        Assert.Equal(["version", "auth_method"], about.Select(p => p.Key));
        Assert.Matches(@"^\d+\.\d+\.\d+", (string?)about["version"]);
        Assert.Equal("dummy", (string?)about["auth_method"]);
    }

    [Fact]
    public async Task ConfigGivesThePermissionMappingAndSuperusers()
    {
        var config = await GetJsonAsync(Anonymous, "/api/v1.0/config");

        AssertJson("""
            {"permission_mapping": {"^dist\\.": {"groups": ["packagers"], "users": ["carol"]}},
             "superusers": ["bodhi", "releng"]}
            """, config);
    }

    [Fact]
    public async Task PermissionsListsEveryEntryWithEveryKey()
    {
        var permissions = await GetJsonAsync(Anonymous, "/api/v1.0/permissions");

        AssertJson("""
            [
              {"name": "<b>x</b>", "maintainers": ["qa&tools@example.com"], "testcases": ["dist.*"],
               "testcases_ignore": ["dist.ignored.*"], "users": ["alice"], "groups": ["qa-team"]},
              {"name": "kernel", "maintainers": [], "testcases": ["kernel-qe.*", "dist.kernel"],
               "testcases_ignore": [], "users": ["bob"], "groups": []}
            ]
            """, permissions);
    }

    [Theory]
    [InlineData("dist.rpmdeplint", new[] { "<b>x</b>" })]
    [InlineData("dist.kernel", new[] { "<b>x</b>", "kernel" })]
    [InlineData("kernel-qe.boot", new[] { "kernel" })]
    [InlineData("dist.ignored.rpmlint", new string[0])]
    [InlineData("unrelated", new string[0])]
    [InlineData("Dist.rpmdeplint", new string[0])]
    public async Task PermissionsForATestcaseListOnlyTheEntriesCoveringIt(string testcase, string[] names)
    {
        var permissions = await GetJsonAsync(Anonymous, $"/api/v1.0/permissions?testcase={Uri.EscapeDataString(testcase)}");

        Assert.Equal(names, permissions.AsArray().Select(p => (string?)p!["name"]));
    }

    [Fact]
    public async Task PermissionsAsHtmlIsATableOfTheEntriesWithEveryValueEscaped()
    {
        var html = await GetHtmlAsync("/api/v1.0/permissions?html=1");

        Assert.Contains("<table>", html, StringComparison.Ordinal);
        Assert.Contains("<td>&lt;b&gt;x&lt;/b&gt;</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);
        Assert.Contains("qa&amp;tools@example.com", html, StringComparison.Ordinal);
        Assert.Contains("<td>kernel</td>", html, StringComparison.Ordinal);
        Assert.Contains("kernel-qe.*", html, StringComparison.Ordinal);
        Assert.Contains("dist.ignored.*", html, StringComparison.Ordinal);
        Assert.Contains("qa-team", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("<tr><td>").Length - 1);
    }

    [Fact]
    public async Task PermissionsAsHtmlForATestcaseShowsOnlyTheEntriesCoveringIt()
    {
        var html = await GetHtmlAsync("/api/v1.0/permissions?html=1&testcase=kernel-qe.boot");

        Assert.Contains("<td>kernel</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;b&gt;x&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("WaiverDB permissions for kernel-qe.boot", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTestcaseInTheHtmlTitleIsEscaped()
    {
        var html = await GetHtmlAsync("/api/v1.0/permissions?html=1&testcase=" + Uri.EscapeDataString("<script>alert(1)</script>"));

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("No permission entry covers this test case.", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    public async Task HtmlTurnedOffGivesJson(string value)
    {
        var permissions = await GetJsonAsync(Anonymous, $"/api/v1.0/permissions?html={value}");

        Assert.Equal(2, permissions.AsArray().Count);
    }
}
