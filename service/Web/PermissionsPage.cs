using System.Security.Claims;
using WaiverDb.Contracts;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Web;

/// <summary>
/// Who may waive what: the <c>PERMISSIONS</c> table (upstream's <c>/permissions?html=1</c>,
/// also at <c>/permissions</c>) with a search for "who may waive test case X?".
/// </summary>
public static class PermissionsPage
{
    public static IEndpointRouteBuilder MapPermissionsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/permissions", PageAsync).WithTags("Web").ExcludeFromDescription();
        return app;
    }

    public static async Task<IResult> PageAsync(HttpContext context, string? testcase, WaiverDbSettings settings, PermissionChecker checker)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(checker);
        testcase = string.IsNullOrWhiteSpace(testcase) ? null : testcase;
        IReadOnlyList<PermissionEntry> entries = testcase is null ? settings.Permissions : [.. checker.EntriesFor(testcase)];
        return Render(context, await WebSchemes.UserAsync(context), entries, testcase, settings);
    }

    public static IResult Render(HttpContext context, ClaimsPrincipal? user, IReadOnlyList<PermissionEntry> entries, string? testcase,
        WaiverDbSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(settings);
        var title = testcase is null ? "WaiverDB permissions" : $"WaiverDB permissions for {testcase}";
        var onApi = context.Request.Path.StartsWithSegments(ApiRoutes.Prefix, StringComparison.Ordinal);
        var search = Html.Of($"""
            <form class="search" method="get" action="{context.Request.Path}" role="search">
            {(onApi ? Html.Raw("""<input type="hidden" name="html" value="1">""") : HtmlContent.Empty)}
            <div><label for="testcase">Who may waive test case</label>
            <input type="search" id="testcase" name="testcase" value="{testcase}" placeholder="fedora-ci.koji-build.tier0.functional"></div>
            <div><button type="submit">Find</button></div>
            </form>
            """);
        return WebLayout.Page(context, title, Html.Of($"{search}{Answer(entries, testcase, settings)}{Table(entries, testcase)}"), user);
    }

    /// <summary>The answer in one sentence: which users and groups the covering entries name.</summary>
    private static HtmlContent Answer(IReadOnlyList<PermissionEntry> entries, string? testcase, WaiverDbSettings settings)
    {
        if (testcase is null)
        {
            return HtmlContent.Empty;
        }

        if (settings.Permissions.Count == 0)
        {
            return settings.PermissionMapping.Count == 0
                ? Html.Of($"""<p id="who-may-waive">No permissions are configured: anyone may waive {testcase}.</p>""")
                : Html.Of($"""<p id="who-may-waive">This server uses the deprecated PERMISSION_MAPPING; see <a href="{ApiRoutes.Config}">its configuration</a>.</p>""");
        }

        if (entries.Count == 0)
        {
            return Html.Of($"""<p id="who-may-waive">Nobody may waive {testcase}: no permission entry covers it.</p>""");
        }

        var users = string.Join(", ", entries.SelectMany(e => e.Users).Distinct(StringComparer.Ordinal));
        var groups = string.Join(", ", entries.SelectMany(e => e.Groups).Distinct(StringComparer.Ordinal));
        return Html.Of($"""
            <p id="who-may-waive">{testcase} may be waived by the users: <strong>{(users.Length == 0 ? "none" : users)}</strong>;
            and by members of the groups: <strong>{(groups.Length == 0 ? "none" : groups)}</strong>.</p>
            """);
    }

    private static HtmlContent Table(IReadOnlyList<PermissionEntry> entries, string? testcase)
    {
        if (entries.Count == 0)
        {
            return testcase is null
                ? Html.Raw("<p>No permissions are configured: anyone may waive any test case.</p>")
                : Html.Raw("<p>No permission entry covers this test case.</p>");
        }

        var rows = Html.Join(entries.Select(entry =>
        {
            var cells = Html.Join(new[] { entry.Maintainers, entry.Testcases, entry.TestcasesIgnore, entry.Users, entry.Groups }
                .Select(list => Html.Of($"<td>{Html.Join(list.Select((value, i) => i == 0 ? Html.Of($"{value}") : Html.Of($"<br>{value}")))}</td>")));
            return Html.Of($"<tr><td>{entry.Name ?? string.Empty}</td>{cells}</tr>\n");
        }));
        return Html.Of($"""
            <table>
            <caption class="muted">Permission entries{(testcase is null ? string.Empty : " covering " + testcase)}</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Maintainers</th><th scope="col">Test cases</th><th scope="col">Ignored test cases</th><th scope="col">Users</th><th scope="col">Groups</th></tr></thead>
            <tbody>
            {rows}</tbody></table>
            """);
    }
}
