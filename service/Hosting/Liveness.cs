namespace WaiverDb.Service.Hosting;

/// <summary>
/// <c>/healthcheck/live</c>, the liveness probe: answers as long as the process serves
/// requests, without touching the database, so a database outage makes pods unready
/// (<c>/healthcheck</c>) instead of restarting them all.
/// </summary>
public static class Liveness
{
    public const string Route = "/healthcheck/live";

    public static IEndpointRouteBuilder MapLivenessEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, Live).WithName("Liveness").WithTags("Monitoring");
        return app;
    }

    private static IResult Live() => Results.Text("Alive", "text/plain");
}
