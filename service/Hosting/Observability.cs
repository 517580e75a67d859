using Prometheus;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// Prometheus metrics on <c>/api/v1.0/metrics</c>: request counts and latencies per route
/// and status (prometheus-net's HTTP metrics) and the database failures requests met.
/// </summary>
public static class Observability
{
    public static readonly Counter DatabaseErrors = Metrics.CreateCounter(
        "waiverdb_database_errors_total",
        "Requests (and health checks) that failed because the database was unreachable or failed.");

    public static WebApplication UseRequestMetrics(this WebApplication app)
    {
        // Labelled by route pattern, not raw path, so /waivers/1 and /waivers/2 are one
        // series; exact status codes are kept (the API answers only a dozen of them).
        app.UseHttpMetrics();
        DatabaseErrors.Publish();
        return app;
    }

    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapMetrics(ApiRoutes.Metrics).WithTags("Monitoring");
}
