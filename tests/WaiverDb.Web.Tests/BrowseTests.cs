using Microsoft.Playwright;
using WaiverDb.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WaiverDb.Web.Tests;

/// <summary>Finding waivers without typing a URL: the start page's search and paging, a waiver's page, who may waive.</summary>
public sealed class BrowseTests(Chromium chromium, OidcWebService service)
    : IClassFixture<Chromium>, IClassFixture<OidcWebService>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private async Task<int[]> RowIdsAsync() =>
        [.. (await _page.Locator("#waivers tbody tr td:first-child").AllInnerTextsAsync()).Select(int.Parse)];

    [Fact]
    public async Task TheStartPageFindsWaiversNewestFirstAPageAtATime()
    {
        var ids = await service.CreateWaiversAsync("alice",
            Enumerable.Range(1, 25).Select(i => WebService.Waiver("paging-1.0-1.fc43", $"test.case{i}", $"Comment {i}")));
        await service.CreateWaiversAsync("alice", [WebService.Waiver("other-2.0-1.fc43", "test.case1")]);

        await _page.GotoAsync(service.Url("/"));
        await _page.Locator("#subject_identifier").FillAsync("paging-1.0-1.fc43");
        await _page.Locator("#subject_identifier").PressAsync("Enter");

        await Expect(_page.Locator("#result-count")).ToHaveTextAsync("25 waivers found, page 1 of 2.");
        Assert.Equal(ids.Reverse().Take(20), await RowIdsAsync());
        await Expect(_page.Locator("#previous-page")).ToHaveCountAsync(0);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("web-start.png") });

        await _page.Locator("#next-page").ClickAsync();

        await Expect(_page.Locator("#result-count")).ToHaveTextAsync("25 waivers found, page 2 of 2.");
        Assert.Equal(ids.Reverse().Skip(20), await RowIdsAsync());
        Assert.Contains("subject_identifier=paging-1.0-1.fc43", _page.Url, StringComparison.Ordinal);
        await Expect(_page.Locator("#subject_identifier")).ToHaveValueAsync("paging-1.0-1.fc43");
        await Expect(_page.Locator("#next-page")).ToHaveCountAsync(0);

        await _page.Locator("#previous-page").ClickAsync();
        Assert.Equal(ids.Reverse().Take(20), await RowIdsAsync());
    }

    [Fact]
    public async Task ObsoleteWaiversAppearOnlyWhenAskedFor()
    {
        var first = await service.CreateWaiversAsync("alice", [WebService.Waiver("obsolete-1", "test.redo", "first")]);
        var second = await service.CreateWaiversAsync("alice", [WebService.Waiver("obsolete-1", "test.redo", "second")]);

        await _page.GotoAsync(service.Url("/?subject_identifier=obsolete-1"));
        Assert.Equal(second, await RowIdsAsync());

        await _page.GetByLabel("Show obsolete waivers").CheckAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Find waivers" }).ClickAsync();

        await Expect(_page.Locator("#result-count")).ToHaveTextAsync("2 waivers found, page 1 of 1.");
        Assert.Equal([second[0], first[0]], await RowIdsAsync());
    }

    [Fact]
    public async Task AWaiverHasAPageReachedFromTheList()
    {
        var ids = await service.CreateWaiversAsync("alice", [WebService.Waiver("page-1", "test.page", "<b>not bold</b>")]);

        await _page.GotoAsync(service.Url("/?testcase=test.page"));
        await _page.GetByRole(AriaRole.Link, new() { Name = ids[0].ToString(System.Globalization.CultureInfo.InvariantCulture), Exact = true }).ClickAsync();

        await Expect(_page).ToHaveURLAsync(service.Url($"/waivers/{ids[0]}"));
        await Expect(_page.Locator("#waiver-subject")).ToHaveTextAsync("page-1");
        await Expect(_page.Locator("#waiver-comment")).ToHaveTextAsync("<b>not bold</b>");
    }

    [Fact]
    public async Task AnInvalidSearchSaysWhatIsWrong()
    {
        await _page.GotoAsync(service.Url("/?since=yesterday"));

        await Expect(_page.Locator("#search-error")).ToContainTextAsync("since");
    }

    [Fact]
    public async Task ThePermissionsPageAnswersWhoMayWaiveATestCase()
    {
        await _page.GotoAsync(service.Url("/"));
        await _page.GetByRole(AriaRole.Link, new() { Name = "Permissions" }).ClickAsync();
        await _page.GetByLabel("Who may waive test case").FillAsync("dist.rpmlint");
        await _page.GetByLabel("Who may waive test case").PressAsync("Enter");

        await Expect(_page).ToHaveURLAsync(service.Url("/permissions?testcase=dist.rpmlint"));
        await Expect(_page.Locator("#who-may-waive")).ToHaveTextAsync(
            "dist.rpmlint may be waived by the users: alice; and by members of the groups: packagers.");
        await Expect(_page.Locator("table tbody tr")).ToHaveCountAsync(1);
    }
}
