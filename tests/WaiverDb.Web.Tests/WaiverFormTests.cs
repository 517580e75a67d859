using System.Text.Json.Nodes;
using Microsoft.Playwright;
using WaiverDb.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WaiverDb.Web.Tests;

/// <summary>
/// Upstream's waiver form in Chromium against the real service: signing in at the OIDC
/// provider (code flow with PKCE), the prefilled link from Bodhi or Greenwave, submitting,
/// and everything that can go wrong on the way.
/// </summary>
public sealed class WaiverFormTests(Chromium chromium, OidcWebService service)
    : IClassFixture<Chromium>, IClassFixture<OidcWebService>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];

    public async Task InitializeAsync()
    {
        service.Provider.SignInUser = "alice";
        service.Provider.SignInRoles = [];
        service.Provider.SignInUserinfoRoles = [];
        _context = await chromium.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        _page = await _context.NewPageAsync();
        _page.Dialog += (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static string Query(params (string Key, string Value)[] arguments) =>
        string.Join('&', arguments.Select(a => Uri.EscapeDataString(a.Key) + "=" + Uri.EscapeDataString(a.Value)));

    [Fact]
    public async Task SignInReturnsToThePrefilledFormWhichCreatesTheWaiverAndLinksToIt()
    {
        var url = service.Url("/api/v1.0/waivers/new?" + Query(("testcase", "test.form"), ("product_version", "fedora-43"),
            ("subject_identifier", "form-1.0-1.fc43"), ("subject_type", "koji_build"), ("comment", "Flaky on aarch64")));

        var exchanges = service.Provider.VerifiedCodeExchanges;
        await _page.GotoAsync(url);

        // Back from the provider on exactly the page asked for, having redeemed the code with its PKCE verifier.
        Assert.Equal(url, _page.Url);
        Assert.Equal(exchanges + 1, service.Provider.VerifiedCodeExchanges);
        Assert.Empty(service.Provider.Refusals);
        await Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync("alice");
        Assert.Equal("test.form", await _page.Locator("[name=testcase]").InputValueAsync());
        Assert.Equal("fedora-43", await _page.Locator("[name=product_version]").InputValueAsync());
        Assert.Equal("form-1.0-1.fc43", await _page.Locator("[name=subject_identifier]").InputValueAsync());
        Assert.Equal("koji_build", await _page.Locator("[name=subject_type]").InputValueAsync());
        Assert.Equal("Flaky on aarch64", await _page.Locator("[name=comment]").InputValueAsync());
        Assert.Equal("", await _page.Locator("[name=scenario]").InputValueAsync());
        await Expect(_page.Locator("#waiver-result")).ToBeHiddenAsync();
        await Expect(_page.Locator("#other-error")).ToHaveCountAsync(0);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathOf("web-form.png"), FullPage = true });

        await _page.Locator("#new-waiver-form button[type=submit]").ClickAsync();

        var result = _page.Locator("#waiver-result");
        await Expect(result).ToBeVisibleAsync();
        await Expect(result).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^New waiver created\. ID: \d+$"));
        Assert.Equal(url, _page.Url);
        var id = int.Parse((await result.InnerTextAsync()).Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);
        var stored = await service.GetWaiverAsync(id);
        Assert.NotNull(stored);
        Assert.Equal("alice", (string?)stored["username"]);
        Assert.Equal("test.form", (string?)stored["testcase"]);
        Assert.Null(stored["scenario"]);
        Assert.Equal("Flaky on aarch64", (string?)stored["comment"]);

        await result.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(_page).ToHaveURLAsync(service.Url($"/waivers/{id}"));
        await Expect(_page.Locator("#waiver-testcase")).ToHaveTextAsync("test.form");
        await Expect(_page.Locator("#waiver-username")).ToHaveTextAsync("alice");
    }

    [Fact]
    public async Task AnUnpermittedTestcaseIsRefusedAtOnceWithALinkToWhoMayWaiveIt()
    {
        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?testcase=other_test"));

        var alert = _page.Locator("#other-error");
        await Expect(alert).ToBeVisibleAsync();
        Assert.Equal(
            "403 Forbidden: User alice is not authorized to submit results for the test case other_test\n"
            + "See who has permission to waive other_test test case.",
            (await alert.InnerTextAsync()).Trim());

        await alert.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(_page).ToHaveURLAsync(service.Url("/api/v1.0/permissions?html=1&testcase=other_test"));
        await Expect(_page.Locator("#who-may-waive")).ToHaveTextAsync("Nobody may waive other_test: no permission entry covers it.");
    }

    [Fact]
    public async Task SubmittingAnUnpermittedTestcaseShowsTheRefusalAndThePermissionsLink()
    {
        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?" + Query(("testcase", "test.allowed"), ("product_version", "fedora-43"),
            ("subject_identifier", "refused-1"), ("subject_type", "koji_build"), ("comment", "c"))));
        await _page.Locator("[name=testcase]").FillAsync("kernel.boot");

        await _page.Locator("#new-waiver-form button[type=submit]").ClickAsync();

        var result = _page.Locator("#waiver-result");
        await Expect(result).ToContainTextAsync("403 Forbidden: User alice is not authorized to submit results for the test case kernel.boot");
        await Expect(result.GetByRole(AriaRole.Link)).ToHaveTextAsync("See who has permission to waive kernel.boot test case.");
        await Expect(result.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/api/v1.0/permissions?html=1&testcase=kernel.boot");
        Assert.Equal(0, await service.CountAsync("subject_identifier=refused-1"));
    }

    [Fact]
    public async Task FieldErrorsFromTheSharedValidatorsAppearNextToTheirFields()
    {
        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?" + Query(("testcase", "test.fields"), ("subject_type", "koji_build"),
            ("subject_identifier", "fields-1"), ("product_version", new string('v', 201)), ("comment", "   "))));

        await _page.Locator("#new-waiver-form button[type=submit]").ClickAsync();

        await Expect(_page.Locator("#comment-error")).ToHaveTextAsync("String should have at least 1 character");
        await Expect(_page.Locator("#product_version-error")).ToHaveTextAsync("String should have at most 200 characters");
        await Expect(_page.Locator("#comment")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(_page.Locator("#testcase-error")).ToBeHiddenAsync();
        await Expect(_page.Locator("#waiver-result")).ToContainTextAsync("Unable to create a waiver:");
        Assert.Equal(0, await service.CountAsync("subject_identifier=fields-1"));
    }

    [Fact]
    public async Task AScriptInATestcaseNameIsShownAsTextAndNeverRuns()
    {
        const string Evil = "<script>alert('script')</script><img src=x onerror=alert('img')>";
        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?" + Query(("testcase", Evil), ("subject_type", "koji_build"),
            ("subject_identifier", "evil-1"), ("product_version", "fedora-43"), ("comment", "c"))));

        await Expect(_page.Locator("#other-error")).ToContainTextAsync($"the test case {Evil}");
        await Expect(_page.Locator("#other-error a")).ToHaveTextAsync($"See who has permission to waive {Evil} test case.");

        await _page.Locator("#new-waiver-form button[type=submit]").ClickAsync();

        await Expect(_page.Locator("#waiver-result")).ToContainTextAsync($"the test case {Evil}");
        Assert.Equal(Evil, await _page.Locator("[name=testcase]").InputValueAsync());
        Assert.Equal(0, await _page.Locator("#other-error img, #waiver-result img, #other-error script, #waiver-result script").CountAsync());
        Assert.Equal(0, await _page.Locator("script:not([src])").CountAsync());
        Assert.Empty(_dialogs);
    }

    [Fact]
    public async Task TheDeprecatedCreateUrlRedirectsToTheFormKeepingTheQuery()
    {
        await _page.GotoAsync(service.Url("/api/v1.0/waivers/create?testcase=test.old&comment=From%20an%20old%20link"));

        Assert.Equal(service.Url("/api/v1.0/waivers/new?testcase=test.old&comment=From%20an%20old%20link"), _page.Url);
        Assert.Equal("test.old", await _page.Locator("[name=testcase]").InputValueAsync());
        Assert.Equal("From an old link", await _page.Locator("[name=comment]").InputValueAsync());
    }

    [Fact]
    public async Task GroupsInTheAccessTokenAloneLetAUserWaive()
    {
        service.Provider.SignInUser = "bob";
        service.Provider.SignInRoles = ["packagers"];

        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?" + Query(("testcase", "dist.rpmlint"), ("subject_type", "koji_build"),
            ("subject_identifier", "bob-1"), ("product_version", "fedora-43"), ("comment", "packager waives"))));

        await Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync("bob");
        await Expect(_page.Locator("#other-error")).ToHaveCountAsync(0);
        await _page.Locator("#new-waiver-form button[type=submit]").ClickAsync();
        await Expect(_page.Locator("#waiver-result")).ToContainTextAsync("New waiver created. ID: ");
        Assert.Equal(1, await service.CountAsync("subject_identifier=bob-1&username=bob"));
    }

    [Fact]
    public async Task GroupsFromUserinfoAloneLetAUserWaive()
    {
        service.Provider.SignInUser = "dave";
        service.Provider.SignInUserinfoRoles = ["packagers"];

        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?testcase=dist.userinfo"));

        await Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync("dave");
        await Expect(_page.Locator("#other-error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task WithoutTheGroupTheSameUserIsRefusedAtOnce()
    {
        service.Provider.SignInUser = "dave";

        await _page.GotoAsync(service.Url("/api/v1.0/waivers/new?testcase=dist.userinfo"));

        await Expect(_page.Locator("#other-error")).ToContainTextAsync("User dave is not authorized to submit results for the test case dist.userinfo");
    }

    [Fact]
    public async Task OidcLoginSignsInAndAnswersTheEmailAndAccessTokenAsJson()
    {
        await _page.GotoAsync(service.Url("/auth/oidclogin"));

        Assert.Equal(service.Url("/auth/oidclogin"), _page.Url);
        var body = JsonNode.Parse(await _page.Locator("body").InnerTextAsync())!;
        Assert.Equal("alice@example.test", (string?)body["email"]);
        Assert.Equal(service.Provider.LastAccessToken, (string?)body["token"]);
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        await _page.GotoAsync(service.Url("/?testcase=nothing"));
        await _page.Locator("#sign-in").ClickAsync();
        await Expect(_page).ToHaveURLAsync(service.Url("/?testcase=nothing"));
        await Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync("alice");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(_page.Locator("#sign-in")).ToBeVisibleAsync();
        var cookies = await _context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "waiverdb_session");
    }
}
