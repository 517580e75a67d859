using Npgsql;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// <c>/healthcheck</c>, the readiness probe upstream deployments already use: a real query,
/// 200 <c>Health check OK</c> when the database answers, 503 when it does not.
/// </summary>
public static class HealthChecks
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ApiRoutes.HealthCheck, CheckAsync).WithName("HealthCheck").WithTags("Monitoring");
        return app;
    }

    private static async Task<IResult> CheckAsync(NpgsqlDataSource database, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            await using var command = database.CreateCommand("SELECT 1 FROM waiver LIMIT 1");
            await command.ExecuteScalarAsync(ct);
            return Results.Text("Health check OK", "text/plain");
        }
        catch (Exception e) when (ErrorHandling.IsDatabaseUnavailable(e))
        {
            Observability.RecordDatabaseError();
            loggers.CreateLogger(typeof(HealthChecks)).LogWarning(e, "Health check failed: the database did not answer");
            return Results.Json(new ErrorResponse("Unable to communicate with database"),
                WaiverDbJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
