using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Validation;

namespace WaiverDb.Service.Waivers;

/// <summary>The waiver endpoints of API v1.0.</summary>
public static class WaiversApi
{
    public static RouteGroupBuilder MapWaivers(this IEndpointRouteBuilder app)
    {
        // "/" also answers /api/v1.0/waivers without the slash, which Bodhi links to.
        var group = app.MapGroup(ApiRoutes.Prefix + "/waivers").WithTags("Waivers");
        group.MapGet("/", ListAsync).WithName("ListWaivers");
        group.MapPost("/", CreateAsync).WithName("CreateWaivers").RequireAuthorization();
        group.MapGet("/{id:int}", GetAsync).WithName("GetWaiver");
        group.MapPost("/+filtered", FilteredAsync).WithName("FilterWaivers");
        group.MapPost("/+by-subjects-and-testcases", BySubjectsAndTestcasesAsync).WithName("WaiversBySubjectsAndTestcases");
        return group;
    }

    public static async Task<Results<Ok<WaiverPage>, BadRequest<ErrorResponse>>> ListAsync(
        HttpRequest request, WaiverStore store, IValidator<WaiverFilter> validator, WaiverDbSettings settings, CancellationToken ct)
    {
        var (filter, page, limit, includeObsolete, errors) = WaiverRequests.ReadListQuery(request.Query, validator, settings.MaxPageLimit);
        if (errors.Count > 0)
        {
            return TypedResults.BadRequest(QueryError(errors));
        }

        var query = new WaiverQuery([FilterRow.From(filter)], includeObsolete, Obsolescence.PerUserAndProductVersion,
            limit, (int)Math.Min(int.MaxValue, ((long)page - 1) * limit));
        var (waivers, total) = await store.QueryAsync(query, ct);
        return TypedResults.Ok(PageLinks.Build(request, waivers, total, page, limit));
    }

    public static async Task<Results<Ok<Waiver>, NotFound<ErrorResponse>>> GetAsync(int id, WaiverStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } waiver
            ? TypedResults.Ok(waiver)
            : TypedResults.NotFound(new ErrorResponse("Waiver not found"));

    public static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal principal, WaiverCreator creator, IValidator<CreateWaiverRequest> validator,
        WaiverDbSettings settings, CancellationToken ct)
    {
        var (document, malformed) = await RequestBody.ReadAsync(request, ct);
        if (document is null)
        {
            return TypedResults.BadRequest(malformed);
        }

        using (document)
        {
            var (items, isList, errors) = WaiverRequests.ReadCreate(document.RootElement, validator, settings.Limits.Request.MaxWaiversPerRequest);
            if (errors.Count > 0)
            {
                return TypedResults.BadRequest(BodyError(errors));
            }

            var outcome = await creator.CreateAsync(items, CurrentUser.From(principal), ct);
            if (outcome.Created is not { } created)
            {
                return TypedResults.Json(outcome.Error, WaiverDbJsonContext.Default.ErrorResponse, statusCode: outcome.Status);
            }

            return isList
                ? TypedResults.Json(created, WaiverDbJsonContext.Default.IReadOnlyListWaiver, statusCode: StatusCodes.Status201Created)
                : TypedResults.Created(ApiRoutes.Waiver(created[0].Id), created[0]);
        }
    }

    public static async Task<Results<Ok<WaiverList>, BadRequest<ErrorResponse>>> FilteredAsync(
        HttpRequest request, WaiverStore store, IValidator<FilteredWaiversRequest> validator, CancellationToken ct)
    {
        var (body, error) = await ReadBodyAsync(request, root => WaiverRequests.ReadFiltered(root, validator), ct);
        if (error is not null)
        {
            return TypedResults.BadRequest(error);
        }

        var query = new WaiverQuery([.. body!.Filters!.Select(FilterRow.From)], body.IncludeObsolete ?? false,
            Obsolescence.PerSubjectAndTestcase);
        var (waivers, _) = await store.QueryAsync(query, ct);
        return TypedResults.Ok(new WaiverList(waivers));
    }

    public static async Task<Results<Ok<WaiverList>, BadRequest<ErrorResponse>>> BySubjectsAndTestcasesAsync(
        HttpRequest request, WaiverStore store, IValidator<BySubjectsAndTestcasesRequest> validator, CancellationToken ct)
    {
        var (body, error) = await ReadBodyAsync(request, root => WaiverRequests.ReadBySubjectsAndTestcases(root, validator), ct);
        if (error is not null)
        {
            return TypedResults.BadRequest(error);
        }

        var since = body!.Since is { } text && SinceParser.TryParse(text, out var range, out _) ? range : default;

        // A subject that maps to no type and identifier matches nothing, so it adds no filter.
        var filters = body.Results!
            .Select(r => SubjectMapping.TryFromLegacySubject(r.Subject!, out var type, out var identifier)
                ? new FilterRow(type, identifier, r.Testcase, null, body.ProductVersion, body.Username, body.ProxiedBy, since.From, since.To)
                : null)
            .OfType<FilterRow>()
            .ToList();
        if (filters.Count == 0)
        {
            return TypedResults.Ok(new WaiverList([]));
        }

        var (waivers, _) = await store.QueryAsync(
            new WaiverQuery(filters, body.IncludeObsolete ?? false, Obsolescence.PerUserAndProductVersion), ct);
        return TypedResults.Ok(new WaiverList(waivers));
    }

    /// <summary>
    /// A query body read by <paramref name="read"/>, or the 400's error: the body is not JSON,
    /// or fields are wrong. The request holds copies of the values, so the document is freed here.
    /// </summary>
    private static async Task<(T? Body, ErrorResponse? Error)> ReadBodyAsync<T>(HttpRequest request,
        Func<JsonElement, (T Body, List<ValidationErrorItem> Errors)> read, CancellationToken ct)
        where T : class
    {
        var (document, malformed) = await RequestBody.ReadAsync(request, ct);
        if (document is null)
        {
            return (null, malformed);
        }

        using (document)
        {
            var (body, errors) = read(document.RootElement);
            return errors.Count > 0 ? (null, BodyError(errors)) : (body, null);
        }
    }

    /// <summary>A body's validation error: a one-line message naming every field, and the list.</summary>
    private static ErrorResponse BodyError(IReadOnlyList<ValidationErrorItem> errors) =>
        new(ValidationErrors.Summary(errors)) { ValidationError = errors };

    /// <summary>
    /// A query string's validation error keeps upstream's reqparse shape,
    /// <c>{"message": {"since": "Invalid isoformat string: 'x'"}}</c>, plus the list.
    /// </summary>
    private static ErrorResponse QueryError(IReadOnlyList<ValidationErrorItem> errors)
    {
        var message = new JsonObject();
        foreach (var error in errors.Where(e => !message.ContainsKey(e.Path)))
        {
            message[error.Path] = error.Msg;
        }

        return new ErrorResponse(message) { ValidationError = errors };
    }
}
