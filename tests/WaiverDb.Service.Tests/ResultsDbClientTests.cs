using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Service.Tests;

/// <summary>The ResultsDB client on its own, for the URL forms and failures a running service rarely meets.</summary>
public sealed class ResultsDbClientTests : IDisposable
{
    private const string Result = """{"id": 5, "testcase": {"name": "dist.x"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""";
    private readonly WireMockServer _resultsDb = WireMockServer.Start();

    public void Dispose()
    {
        _resultsDb.Stop();
        _resultsDb.Dispose();
    }

    private static ResultsDbClient Client(HttpClient http, string apiUrl) =>
        new(http, new WaiverDbSettings
        {
            AuthMethods = [AuthMethod.Dummy],
            Database = new DatabaseSettings { ConnectionString = string.Empty },
            ResultsDbApiUrl = new Uri(apiUrl),
        }, NullLogger<ResultsDbClient>.Instance);

    [Theory]
    [InlineData("", "/results/5")]
    [InlineData("/", "/results/5")]
    [InlineData("/api/v2.0", "/api/v2.0/results/5")]
    [InlineData("/resultsdb/api/v2.0", "/resultsdb/api/v2.0/results/5")]
    public async Task TheResultIsRequestedUnderTheApiUrl(string apiPath, string expectedPath)
    {
        _resultsDb.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(Result));
        using var http = new HttpClient();

        var (subject, error) = await Client(http, _resultsDb.Url + apiPath).LookUpAsync(5, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(new ResultSubject("koji_build", "x-1.fc40", "dist.x", null), subject);
        Assert.Equal(expectedPath, Assert.Single(_resultsDb.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task AnUnreachableResultsDbIsServiceUnavailable()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var http = new HttpClient();
        var (subject, error) = await Client(http, $"http://127.0.0.1:{port}/api/v2.0").LookUpAsync(5, CancellationToken.None);

        Assert.Null(subject);
        Assert.Equal(503, error!.Status);
        Assert.StartsWith("Failed looking up result in Resultsdb: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersCancellationIsNotReportedAsATimeout()
    {
        _resultsDb.Given(Request.Create().UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Result).WithDelay(TimeSpan.FromSeconds(5)));
        using var http = new HttpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client(http, _resultsDb.Url + "/api/v2.0").LookUpAsync(5, cancel.Token));
    }
}
