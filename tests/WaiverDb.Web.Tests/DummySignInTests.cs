using Microsoft.Playwright;
using WaiverDb.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WaiverDb.Web.Tests;

/// <summary>In development with dummy authentication a plain page stands in for the identity provider.</summary>
public sealed class DummySignInTests(Chromium chromium, DummyWebService service)
    : IClassFixture<Chromium>, IClassFixture<DummyWebService>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await chromium.NewContextAsync();
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task TheDevelopmentSignInPageReturnsToTheFormAndTheWaiverIsCreated()
    {
        var url = service.Url("/api/v1.0/waivers/new?testcase=dist.dummy&subject_type=koji_build&subject_identifier=dummy-1&product_version=fedora-43&comment=dev");

        await _page.GotoAsync(url);
        Assert.StartsWith(service.Url("/auth/dummy-login?next="), _page.Url, StringComparison.Ordinal);
        await _page.GetByLabel("User name").FillAsync("carol");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(_page).ToHaveURLAsync(url);
        await Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync("carol");
        await Expect(_page.Locator("#other-error")).ToHaveCountAsync(0);
    }
}
