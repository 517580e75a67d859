using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using WaiverDb.Contracts;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Info;

/// <summary><c>/about</c>, <c>/config</c> and <c>/permissions</c>: what this server is and who may waive what.</summary>
public static class InfoApi
{
    /// <summary>The project version and git commit, e.g. <c>1.0.0+3f2c1ab</c>; the container label uses the same.</summary>
    public static readonly string Version =
        typeof(InfoApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(InfoApi).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static IEndpointRouteBuilder MapInfo(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ApiRoutes.Prefix).WithTags("About");
        group.MapGet("/about", About).WithName("About");
        group.MapGet("/config", Config).WithName("Config");
        group.MapGet("/permissions", Permissions).WithName("Permissions");
        return app;
    }

    public static Ok<AboutResponse> About(WaiverDbSettings settings) =>
        TypedResults.Ok(new AboutResponse(Version, AuthSchemes.SettingName(settings.AuthMethods[0])));

    public static Ok<ConfigResponse> Config(WaiverDbSettings settings) =>
        TypedResults.Ok(new ConfigResponse(settings.PermissionMapping, settings.Superusers));

    /// <summary>The <c>PERMISSIONS</c> list (<c>?testcase=T</c>: the entries covering T); <c>?html=1</c> renders a table.</summary>
    public static async Task<IResult> Permissions(HttpContext context, string? testcase, string? html, WaiverDbSettings settings, PermissionChecker checker)
    {
        if (html is { Length: > 0 } and not "0" and not "false")
        {
            return await Web.PermissionsPage.PageAsync(context, testcase, settings, checker);
        }

        IReadOnlyList<PermissionEntry> entries = testcase is null ? settings.Permissions : [.. checker.EntriesFor(testcase)];
        return TypedResults.Json(entries, WaiverDbJsonContext.Default.IReadOnlyListPermissionEntry);
    }
}
