using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// One place that turns whatever escaped a handler, and every bodiless error status
/// (404, 405, ...), into the API's JSON error shape. Internals never reach the client.
/// </summary>
public static class ErrorHandling
{
    public static WebApplication UseJsonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
            ExceptionHandler = async context =>
            {
                var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var status = exception is null ? StatusCodes.Status500InternalServerError : StatusFor(exception);
                if (exception is NpgsqlException || status == StatusCodes.Status503ServiceUnavailable)
                {
                    Observability.RecordDatabaseError();
                }

                var message = status switch
                {
                    StatusCodes.Status503ServiceUnavailable => JsonErrors.DatabaseUnavailable,
                    < 500 when exception is BadHttpRequestException bad => bad.Message,
                    _ => JsonErrors.InternalError,
                };
                await JsonErrors.WriteAsync(context, status, new ErrorResponse(message));
            },
        });

        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null or 0)
            {
                await JsonErrors.WriteAsync(context.HttpContext, response.StatusCode,
                    new ErrorResponse(JsonErrors.ForStatus(response.StatusCode)));
            }
        });
        return app;
    }

    /// <summary>503 for a database that cannot be reached or is going away; the cause is logged, not sent.</summary>
    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        _ when IsDatabaseUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static bool IsDatabaseUnavailable(Exception exception) => exception switch
    {
        // 08: connection exceptions; 28: our credentials refused; 3D000: no such database;
        // 57P0x: shutdown in progress; 53: out of resources; 40001/40P01: retry later.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("28", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
            || pg.SqlState is "3D000" or "40001" or "40P01",
        NpgsqlException => true,
        TimeoutException or SocketException => true,
        _ => exception.InnerException is { } inner && IsDatabaseUnavailable(inner),
    };
}
