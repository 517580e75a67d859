using System.Globalization;
using FluentValidation;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Web;

/// <summary>
/// The start page, which finds waivers (newest first, a page at a time), and a page for one
/// waiver. Plain links and GET forms: browsing needs no JavaScript.
/// </summary>
public static class BrowsePages
{
    public const int PageSize = 20;

    /// <summary>The search fields: query name, label.</summary>
    private static readonly (string Name, string Label)[] SearchFields =
    [
        ("subject_identifier", "Subject identifier"),
        ("testcase", "Test case"),
        ("username", "User"),
        ("product_version", "Product version"),
        ("since", "Since (ISO 8601, or from,to)"),
    ];

    public static IEndpointRouteBuilder MapBrowsePages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(string.Empty).WithTags("Web").ExcludeFromDescription();
        group.MapGet("/", StartPageAsync).WithName("StartPage");
        group.MapGet("/waivers/{id:int}", WaiverPageAsync).WithName("WaiverPage");
        return app;
    }

    public static async Task<IResult> StartPageAsync(HttpContext context, WaiverStore store, IValidator<WaiverFilter> validator,
        WaiverDbSettings settings, CancellationToken ct)
    {
        var user = await WebSchemes.UserAsync(context);
        var query = context.Request.Query;
        var (filter, page, _, includeObsolete, errors) = WaiverRequests.ReadListQuery(query, validator, settings.MaxPageLimit);
        var form = SearchForm(query, includeObsolete);
        if (errors.Count > 0)
        {
            return WebLayout.Page(context, "Waivers", Html.Of($"""
                {form}
                <p class="alert alert-danger" role="alert" id="search-error">The search is not valid: {ValidationErrors.Summary(errors)}</p>
                """), user, StatusCodes.Status400BadRequest);
        }

        var waiverQuery = new WaiverQuery([FilterRow.From(filter)], includeObsolete, Obsolescence.PerUserAndProductVersion,
            PageSize, (int)Math.Min(int.MaxValue, ((long)page - 1) * PageSize));
        var (waivers, total) = await store.QueryAsync(waiverQuery, ct);
        var pages = (int)Math.Max(1, (total + PageSize - 1) / PageSize);
        return WebLayout.Page(context, "Waivers", Html.Of($"""
            {form}
            <p id="result-count" role="status">{total.ToString("N0", CultureInfo.InvariantCulture)} waiver{(total == 1 ? string.Empty : "s")} found{(total > 0 ? $", page {page} of {pages}" : string.Empty)}.</p>
            {WaiverTable(waivers)}
            {Pager(context.Request, page, pages)}
            """), user);
    }

    public static async Task<IResult> WaiverPageAsync(HttpContext context, int id, WaiverStore store, CancellationToken ct)
    {
        var user = await WebSchemes.UserAsync(context);
        if (await store.GetAsync(id, ct) is not { } waiver)
        {
            return WebLayout.Page(context, "Waiver not found",
                Html.Of($"""<p class="alert alert-danger" role="alert">There is no waiver {id}. <a href="/">Find waivers</a></p>"""),
                user, StatusCodes.Status404NotFound);
        }

        var created = context.Request.Query.ContainsKey("created")
            ? Html.Of($"""<p class="alert alert-success" role="status" id="waiver-result">New waiver created. ID: {waiver.Id}</p>""")
            : HtmlContent.Empty;
        var others = $"/?subject_identifier={Uri.EscapeDataString(waiver.SubjectIdentifier)}&include_obsolete=true";
        return WebLayout.Page(context, $"Waiver {waiver.Id}", Html.Of($"""
            {created}
            <dl class="waiver">
            <dt>ID</dt><dd id="waiver-id">{waiver.Id}</dd>
            <dt>Subject type</dt><dd>{waiver.SubjectType}</dd>
            <dt>Subject identifier</dt><dd id="waiver-subject">{waiver.SubjectIdentifier}</dd>
            <dt>Test case</dt><dd id="waiver-testcase">{waiver.Testcase}</dd>
            <dt>Scenario</dt><dd>{waiver.Scenario ?? "none"}</dd>
            <dt>Product version</dt><dd>{waiver.ProductVersion}</dd>
            <dt>Waived</dt><dd>{(waiver.Waived ? "yes" : "no (revoked)")}</dd>
            <dt>User</dt><dd id="waiver-username">{waiver.Username}</dd>
            <dt>Proxied by</dt><dd>{waiver.ProxiedBy ?? "nobody"}</dd>
            <dt>Time (UTC)</dt><dd>{Time(waiver.Timestamp)}</dd>
            <dt>Comment</dt><dd id="waiver-comment">{waiver.Comment}</dd>
            </dl>
            <p><a href="{others}">All waivers of this subject</a> · <a href="{ApiRoutes.Waiver(waiver.Id)}">as JSON</a></p>
            """), user);
    }

    private static HtmlContent SearchForm(IQueryCollection query, bool includeObsolete)
    {
        var fields = Html.Join(SearchFields.Select(f => Html.Of($"""
            <div><label for="{f.Name}">{f.Label}</label><input type="search" id="{f.Name}" name="{f.Name}" value="{query[f.Name].FirstOrDefault()}"></div>
            """)));
        return Html.Of($"""
            <form class="search" method="get" action="/" role="search" aria-label="Find waivers">
            {fields}
            <div class="check"><input type="checkbox" id="include_obsolete" name="include_obsolete" value="true"{(includeObsolete ? Html.Raw(" checked") : HtmlContent.Empty)}> <label for="include_obsolete">Show obsolete waivers</label></div>
            <div><button type="submit">Find waivers</button></div>
            </form>
            """);
    }

    private static HtmlContent WaiverTable(IReadOnlyList<Waiver> waivers)
    {
        if (waivers.Count == 0)
        {
            return Html.Raw("""<p id="no-waivers">No waivers match.</p>""");
        }

        var rows = Html.Join(waivers.Select(w => Html.Of($"""
            <tr><td><a href="/waivers/{w.Id}">{w.Id}</a></td><td>{w.SubjectIdentifier}<div class="muted">{w.SubjectType}</div></td><td>{w.Testcase}{(w.Scenario is null ? HtmlContent.Empty : Html.Of($"<div class=\"muted\">{w.Scenario}</div>"))}</td><td>{w.ProductVersion}</td><td>{(w.Waived ? "yes" : "no")}</td><td>{w.Username}{(w.ProxiedBy is null ? HtmlContent.Empty : Html.Of($"<div class=\"muted\">via {w.ProxiedBy}</div>"))}</td><td>{Time(w.Timestamp)}</td><td>{w.Comment}</td></tr>

            """)));
        return Html.Of($"""
            <table id="waivers">
            <caption class="muted">Newest first</caption>
            <thead><tr><th scope="col">ID</th><th scope="col">Subject</th><th scope="col">Test case</th><th scope="col">Product version</th><th scope="col">Waived</th><th scope="col">User</th><th scope="col">Time (UTC)</th><th scope="col">Comment</th></tr></thead>
            <tbody>
            {rows}</tbody>
            </table>
            """);
    }

    private static HtmlContent Pager(HttpRequest request, int page, int pages)
    {
        string Link(int target)
        {
            var arguments = request.Query.Where(q => q.Key != "page")
                .SelectMany(q => q.Value.Select(v => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(v ?? string.Empty)))
                .Append("page=" + target.ToString(CultureInfo.InvariantCulture));
            return "/?" + string.Join('&', arguments);
        }

        var previous = page > 1 ? Html.Of($"""<a id="previous-page" rel="prev" href="{Link(page - 1)}">Newer</a>""") : HtmlContent.Empty;
        var next = page < pages ? Html.Of($"""<a id="next-page" rel="next" href="{Link(page + 1)}">Older</a>""") : HtmlContent.Empty;
        return Html.Of($"""<nav class="pager" aria-label="Pages">{previous}{next}</nav>""");
    }

    private static string Time(DateTime? timestamp) =>
        timestamp?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty;
}
