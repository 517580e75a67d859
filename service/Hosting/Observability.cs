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

    // Upstream's names (its monitor.py), so existing dashboards and alerts keep working.
    private static readonly Counter UpstreamDbApiErrors = Metrics.CreateCounter("db_dbapi_error_total", "Number of DBAPI errors");
    private static readonly Counter UpstreamHandleErrors = Metrics.CreateCounter("db_handle_error_total", "Number of exceptions during connection");

    /// <summary>Physical connections opened to the database (upstream: engine_connect events).</summary>
    public static readonly Counter DatabaseConnects = Metrics.CreateCounter("db_engine_connect_total", "Number of 'engine_connect' events");

    /// <summary>Connections answered 503 because MAX_CONCURRENT_CONNECTIONS were open (see ConnectionLimit).</summary>
    public static readonly Counter ConnectionsRefused = Metrics.CreateCounter(
        "waiverdb_connections_refused_total",
        "Connections refused with a 503 because MAX_CONCURRENT_CONNECTIONS were already open.");

    /// <summary>Counts a database failure under our name and upstream's.</summary>
    public static void RecordDatabaseError()
    {
        DatabaseErrors.Inc();
        UpstreamDbApiErrors.Inc();
        UpstreamHandleErrors.Inc();
    }

    public static WebApplication UseRequestMetrics(this WebApplication app)
    {
        // Labelled by route pattern, not raw path, so /waivers/1 and /waivers/2 are one
        // series; exact status codes are kept (the API answers only a dozen of them).
        app.UseHttpMetrics();
        foreach (var counter in new[] { DatabaseErrors, UpstreamDbApiErrors, UpstreamHandleErrors, DatabaseConnects, TransactionRollbacks.Counter, ConnectionsRefused })
        {
            counter.Publish();
        }
        return app;
    }

    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app) =>
        app.MapMetrics(ApiRoutes.Metrics).WithTags("Monitoring");
}
