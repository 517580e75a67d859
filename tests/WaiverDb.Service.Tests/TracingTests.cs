using System.Net;
using System.Text;
using WaiverDb.Service.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Service.Tests;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> set, the real service sends the spans of
/// a request (its own and the database's) over OTLP/HTTP; a loopback receiver takes them.
/// </summary>
public sealed class TracingTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly WireMockServer _collector = WireMockServer.Start();
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();
        _collector.Given(Request.Create().WithPath("/v1/traces").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task TheSpansOfARequestArriveAtTheOtlpEndpointUnderTheConfiguredServiceName()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = $"{_collector.Url}/v1/traces",
            ["OTEL_EXPORTER_SERVICE_NAME"] = "waiverdb-traced",
        });
        await service.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        using (var response = await client.GetAsync("/api/v1.0/waivers/?testcase=dist.traced"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The batch exporter sends every few seconds; OTLP/HTTP bodies are protobuf, in
        // which the strings (service name, span names, attributes) appear as UTF-8.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string received;
        do
        {
            await Task.Delay(250);
            received = string.Join('\n', _collector.LogEntries.Select(e => Encoding.UTF8.GetString(e.RequestMessage.BodyAsBytes ?? [])));
        }
        while (!(received.Contains("/api/v1.0/waivers/", StringComparison.Ordinal) && received.Contains(_database, StringComparison.Ordinal))
               && DateTime.UtcNow < deadline);

        Assert.Contains("waiverdb-traced", received, StringComparison.Ordinal);
        Assert.Contains("GET /api/v1.0/waivers/", received, StringComparison.Ordinal);
        Assert.Contains(_database, received, StringComparison.Ordinal); // the database command's span
        Assert.All(_collector.LogEntries, e => Assert.Equal("application/x-protobuf", e.RequestMessage.Headers!["Content-Type"].Single()));
    }
}
