using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Ldap;
using WaiverDb.Service.Hosting;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Web;

/// <summary>
/// Upstream's waiver form, <c>/api/v1.0/waivers/new</c>, with its field names and element ids
/// (<c>new-waiver-form</c>, <c>waiver-result</c>, <c>other-error</c>), so links from Bodhi
/// and Greenwave and tests written for upstream keep working.
/// </summary>
public static class NewWaiverPage
{
    public const string Path = ApiRoutes.Prefix + "/waivers/new";

    /// <summary>The form's fields in upstream's order: name, label, help, required.</summary>
    private static readonly (string Name, string Label, string Help, bool Required)[] Fields =
    [
        ("subject_type", "Subject Type", "Examples: koji_build, container-image, redhat-container-image", true),
        ("subject_identifier", "Subject Identifier", "Depending on the subject type, a name-version-release, a build ID or another identifier.", true),
        ("testcase", "Test Case Name", "Examples: compose.install_default, update.desktop_browser, fedora-ci.koji-build.tier0.functional", true),
        ("product_version", "Product Version", "Examples: fedora-36, rhel-9", true),
        ("comment", "Comment", "Explain why the failed or missing test has to be waived. Tip: add an issue identifier.", true),
        ("scenario", "Scenario (Optional)", "Optional scenario to distinguish test results with the same test case name. Example: fedora.Cloud_Base-qcow2-qcow2.x86_64.uefi", false),
    ];

    public static IEndpointRouteBuilder MapNewWaiverPage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ApiRoutes.Prefix + "/waivers").WithTags("Web").ExcludeFromDescription();
        group.MapGet("/new", FormAsync).WithName("NewWaiverForm");
        group.MapPost("/new", CreateAsync).WithName("NewWaiverCreate");

        // Deprecated upstream name of the form: the query string goes along.
        group.MapGet("/create", (HttpRequest request) => Results.Redirect(Path + request.QueryString, permanent: false));
        return app;
    }

    public static async Task<IResult> FormAsync(HttpContext context, PermissionChecker permissions, LdapGroups ldap, CancellationToken ct)
    {
        var user = await WebSchemes.UserAsync(context);
        if (user is null)
        {
            return SignInApi.Challenge(context, context.Request.Path + context.Request.QueryString);
        }

        var values = Fields.ToDictionary(f => f.Name, f => (string?)context.Request.Query[f.Name].FirstOrDefault() ?? string.Empty);
        HtmlContent warning = HtmlContent.Empty;
        if (values["testcase"] is { Length: > 0 } testcase && !await MayWaiveAsync(CurrentUser.From(user), testcase, permissions, ldap, ct))
        {
            warning = Forbidden("other-error", PermissionChecker.DeniedMessage(user.Identity!.Name!, testcase), testcase, hidden: false);
        }

        return Render(context, user, values, warning, HtmlContent.Empty, new Dictionary<string, string>(), StatusCodes.Status200OK);
    }

    /// <summary>
    /// Creates a waiver from the form: the browser's session with its anti-forgery token, or,
    /// with an <c>Authorization</c> header, exactly as <c>POST /api/v1.0/waivers/</c>.
    /// </summary>
    public static async Task<IResult> CreateAsync(HttpContext context, WaiverCreator creator, IValidator<CreateWaiverRequest> validator,
        WaiverDbSettings settings, CancellationToken ct)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            var api = await context.AuthenticateAsync(AuthSchemes.Configured);
            return api.Succeeded
                ? await WaiversApi.CreateAsync(context.Request, api.Principal, creator, validator, settings, ct)
                : Results.Challenge(authenticationSchemes: [AuthSchemes.Configured]);
        }

        var user = await WebSchemes.UserAsync(context);
        var isForm = context.Request.HasFormContentType;
        if (user is null)
        {
            return isForm
                ? SignInApi.Challenge(context, Path)
                : TypedResults.Json(new ErrorResponse("Sign in first: the session has expired or was never opened."),
                    WaiverDbJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!await WebLayout.IsAntiforgeryValidAsync(context, user))
        {
            return isForm
                ? SignInApi.AntiforgeryRefused(context, user)
                : TypedResults.Json(new ErrorResponse("The form's anti-forgery token is missing or invalid: reload the page and submit it again."),
                    WaiverDbJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
        }

        return isForm
            ? await CreateFromFormAsync(context, user, creator, validator, ct)
            : await WaiversApi.CreateAsync(context.Request, user, creator, validator, settings, ct);
    }

    /// <summary>Without JavaScript the form posts itself: success goes to the waiver's page, errors back to the form.</summary>
    private static async Task<IResult> CreateFromFormAsync(HttpContext context, ClaimsPrincipal user, WaiverCreator creator,
        IValidator<CreateWaiverRequest> validator, CancellationToken ct)
    {
        var form = await context.Request.ReadFormAsync(ct);
        var values = Fields.ToDictionary(f => f.Name, f => form[f.Name].ToString());
        var body = new JsonObject();
        foreach (var (name, value) in values.Where(v => v.Key != "scenario" || v.Value.Length > 0))
        {
            body[name] = value;
        }

        using var document = JsonDocument.Parse(body.ToJsonString());
        var (items, _, errors) = WaiverRequests.ReadCreate(document.RootElement, validator, 1);
        if (errors.Count > 0)
        {
            var fieldErrors = errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.First().Msg);
            var summary = Html.Of($"""<div class="alert alert-danger" role="alert" id="waiver-result" tabindex="-1">Unable to create a waiver: {ValidationErrors.Summary(errors)}</div>""");
            return Render(context, user, values, HtmlContent.Empty, summary, fieldErrors, StatusCodes.Status400BadRequest);
        }

        var outcome = await creator.CreateAsync(items, CurrentUser.From(user), ct);
        if (outcome.Created is { } created)
        {
            return Results.Redirect($"/waivers/{created[0].Id}?created=1");
        }

        var message = outcome.Error?.Message.ToString() ?? JsonErrors.ForStatus(outcome.Status);
        var result = outcome.Status == StatusCodes.Status403Forbidden
            ? Forbidden("waiver-result", message, values["testcase"], hidden: false)
            : Html.Of($"""<div class="alert alert-danger" role="alert" id="waiver-result" tabindex="-1">Unable to create a waiver: {message}</div>""");
        return Render(context, user, values, HtmlContent.Empty, result, new Dictionary<string, string>(), outcome.Status);
    }

    private static async Task<bool> MayWaiveAsync(CurrentUser user, string testcase, PermissionChecker permissions, LdapGroups ldap, CancellationToken ct)
    {
        if (permissions.MayWaive(user.Name, user.Groups, testcase))
        {
            return true;
        }

        try
        {
            return ldap.Enabled && permissions.MayWaive(user.Name, await ldap.GroupsOfAsync(user.Name, ct), testcase);
        }
        catch (LdapUnavailableException)
        {
            // The form is still useful; creating the waiver will say what is wrong with LDAP.
            return true;
        }
    }

    /// <summary>Upstream's 403 banner: the message, then a link to who may waive the test case.</summary>
    private static HtmlContent Forbidden(string id, string message, string testcase, bool hidden) => Html.Of($"""
        <div class="alert alert-danger{(hidden ? " d-none" : string.Empty)}" role="alert" id="{id}" tabindex="-1">403 Forbidden: {message}<br>
        <a href="{ApiRoutes.Prefix}/permissions?html=1&testcase={Uri.EscapeDataString(testcase)}">See who has permission to waive {testcase} test case.</a></div>
        """);

    private static IResult Render(HttpContext context, ClaimsPrincipal user, IReadOnlyDictionary<string, string> values, HtmlContent warning,
        HtmlContent result, IReadOnlyDictionary<string, string> fieldErrors, int status)
    {
        var inputs = Html.Join(Fields.Select(f =>
        {
            var error = fieldErrors.GetValueOrDefault(f.Name);
            return Html.Of($"""
                <div class="field">
                <label for="{f.Name}">{f.Label}</label>
                <input type="text" name="{f.Name}" id="{f.Name}" value="{values[f.Name]}" autocomplete="on" aria-describedby="{f.Name}_help {f.Name}-error"{(f.Required ? Html.Raw(" required") : HtmlContent.Empty)}{(error is null ? HtmlContent.Empty : Html.Raw(" aria-invalid=\"true\""))}>
                <div id="{f.Name}_help" class="help">{f.Help}</div>
                <div id="{f.Name}-error" class="field-error{(error is null ? " d-none" : string.Empty)}">{error}</div>
                </div>
                """);
        }));
        var resultArea = result.Value.Length > 0 ? result : Html.Raw("""<div class="d-none" id="waiver-result" tabindex="-1"></div>""");
        return WebLayout.Page(context, "Create a Waiver", Html.Of($"""
            {warning}
            {resultArea}
            <form id="new-waiver-form" class="stacked" method="post" action="{Path}" data-waiver-page="/waivers/" data-permissions="{ApiRoutes.Prefix}/permissions">
            {WebLayout.AntiforgeryField(context, user)}
            {inputs}
            <button type="submit">Submit</button>
            </form>
            <script src="{StaticAssets.FormScriptPath}"></script>
            """), user, status);
    }
}
