using System.Text.Json;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>Writes the API's one error shape, <see cref="ErrorResponse"/>, from anywhere in the pipeline.</summary>
public static class JsonErrors
{
    // Werkzeug's texts, which upstream clients have seen for these statuses.
    public const string NotFound =
        "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

    public const string MethodNotAllowed = "The method is not allowed for the requested URL.";

    public const string InternalError =
        "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.";

    public const string DatabaseUnavailable = "The database is unavailable; try again later.";

    public static Task WriteAsync(HttpContext context, int status, ErrorResponse error)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, error, Contracts.WaiverDbJsonContext.Default.ErrorResponse, context.RequestAborted);
    }

    /// <summary>The message for a status that reached the client without a body of its own.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The browser (or proxy) sent a request that this server could not understand.",
        StatusCodes.Status401Unauthorized => "Authentication required.",
        StatusCodes.Status403Forbidden => "You don't have the permission to access the requested resource.",
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are too large.",
        StatusCodes.Status503ServiceUnavailable => DatabaseUnavailable,
        >= 500 => InternalError,
        _ => $"The request failed with status {status}.",
    };
}
