using System.Net;
using System.Net.Sockets;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>/healthcheck/live</c> answers without the database, so an outage makes pods unready
/// (<c>/healthcheck</c> 503) rather than restarted by the liveness probe.
/// </summary>
public sealed class LivenessTests
{
    [Fact]
    public async Task TheLivenessCheckAnswersWhileTheDatabaseIsUnreachable()
    {
        var settings = WaiverDbApplication.DevelopmentSettings($"postgresql://waiverdb@127.0.0.1:{ClosedPort()}/waiverdb", s =>
        {
            s["MIGRATE_ON_STARTUP"] = false;
            s["DATABASE_CONNECT_TIMEOUT"] = 1;
        });
        await using var application = new WaiverDbApplication(settings);
        using var client = application.CreateClient();

        using var live = await client.GetAsync(Hosting.Liveness.Route);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Alive", await live.Content.ReadAsStringAsync());

        using var ready = await client.GetAsync("/healthcheck");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
