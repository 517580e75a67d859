using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Admin;

/// <summary>
/// The administrators' operations, the supported replacement for SQL on the production
/// database: revoke a waiver, remove one, read the audit log. Authenticated callers in
/// <c>ADMINS</c> only.
/// </summary>
public static class AdminApi
{
    public const int DefaultAuditLimit = 20;

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ApiRoutes.Admin).WithTags("Admin").RequireAuthorization().AddEndpointFilter<AdminAuthorizer>();
        group.MapPost("/waivers/{id:int}/revoke", RevokeAsync).WithName("RevokeWaiver");
        group.MapDelete("/waivers/{id:int}", RemoveAsync).WithName("RemoveWaiver");
        group.MapGet("/audit", AuditAsync).WithName("ListAdminAudit");
        return group;
    }

    public static async Task<IResult> RevokeAsync(int id, HttpRequest request, ClaimsPrincipal principal, AdminStore store, CancellationToken ct)
    {
        var admin = CurrentUser.From(principal);
        if (admin.UnrecordableAs("username") is { } unrecordable)
        {
            // The revocation is a waiver recorded under the administrator's name.
            return TypedResults.BadRequest(new ErrorResponse(unrecordable));
        }

        var (reason, error) = await AdminReason.ReadAsync(request, ct);
        return reason is null
            ? TypedResults.BadRequest(error)
            : Answer(await store.RevokeAsync(id, admin.Name, reason, ct));
    }

    public static async Task<IResult> RemoveAsync(int id, HttpRequest request, ClaimsPrincipal principal, AdminStore store, CancellationToken ct)
    {
        var (reason, error) = await AdminReason.ReadAsync(request, ct);
        return reason is null
            ? TypedResults.BadRequest(error)
            : Answer(await store.RemoveAsync(id, CurrentUser.From(principal).Name, reason, ct));
    }

    public static async Task<Results<Ok<AdminAuditPage>, BadRequest<ErrorResponse>>> AuditAsync(
        HttpRequest request, AdminStore store, WaiverDbSettings settings, CancellationToken ct)
    {
        var page = Number(request, "page", 1, int.MaxValue, 1, out var pageError);
        var limit = Number(request, "limit", DefaultAuditLimit, settings.MaxPageLimit, 1, out var limitError);
        (int? waiverId, string? waiverIdError) = (null, null);
        if (request.Query.ContainsKey("waiver_id"))
        {
            waiverId = Number(request, "waiver_id", 0, int.MaxValue, 1, out waiverIdError);
        }

        if ((pageError ?? limitError ?? waiverIdError) is { } message)
        {
            return TypedResults.BadRequest(new ErrorResponse(message));
        }

        var (entries, total) = await store.AuditPageAsync(waiverId, limit, (int)Math.Min(int.MaxValue, ((long)page - 1) * limit), ct);
        if (entries.Count == 0)
        {
            return TypedResults.Ok(new AdminAuditPage(entries, total, null, null, null, null));
        }

        var pages = (int)Math.Max(1, (total + limit - 1) / limit);
        return TypedResults.Ok(new AdminAuditPage(entries, total,
            page > 1 ? PageLinks.Link(request, page - 1) : null,
            page < pages ? PageLinks.Link(request, page + 1) : null,
            PageLinks.Link(request, 1),
            PageLinks.Link(request, pages)));
    }

    private static IResult Answer(AdminOutcome outcome) => outcome.Done is { } done
        ? TypedResults.Ok(done)
        : TypedResults.Json(outcome.Error, WaiverDbJsonContext.Default.ErrorResponse, statusCode: outcome.Status);

    private static int Number(HttpRequest request, string key, int fallback, int max, int min, out string? error)
    {
        error = null;
        var values = request.Query[key];
        if (values.Count == 0)
        {
            return fallback;
        }

        if (values.Count > 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            error = $"{key}: must be a whole number from {min} to {max}";
            return 0;
        }

        return value;
    }
}
