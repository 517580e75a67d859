using System.Net;
using System.Net.Sockets;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// What Kestrel used to refuse without a body, against the real service process over raw
/// sockets: too many headers (431), a long request line (414) and connections over
/// MAX_CONCURRENT_CONNECTIONS (503) now get a JSON message naming the setting, and headers
/// past Kestrel's memory guard still get its bare 431. After each, the service still serves.
/// </summary>
public sealed class KestrelRefusalTests : ServiceProcessFixture
{
    private const int MaxConnections = 10;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MAX_CONCURRENT_CONNECTIONS"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task MoreHeadersThanMaxRequestHeaderCountAreA431NamingTheSetting()
    {
        // Host and 99 others: exactly the limit. 101 was Kestrel's bare 431 before; 300 is far past its old default.
        var atLimit = await RawHttp.ExchangeAsync(Port, RawHttp.Get("/api/v1.0/about", Headers(99)));
        var over = await RawHttp.ExchangeAsync(Port, RawHttp.Get("/api/v1.0/about", Headers(100)));
        var farOver = await RawHttp.ExchangeAsync(Port, RawHttp.Get("/api/v1.0/about", Headers(300)));

        Assert.Equal(200, atLimit.Status);
        foreach (var answer in new[] { over, farOver })
        {
            Assert.Equal(431, answer.Status);
            Assert.Equal("application/json", answer.Header("Content-Type"));
            Assert.Equal("The request has more headers than MAX_REQUEST_HEADER_COUNT (100)", answer.Message);
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ARequestTargetOverMaxUrlLengthIsA414NamingTheSettingAndLongGreenwaveQueriesStillWork()
    {
        const string path = "/api/v1.0/waivers/?subject_type=koji_build&subject_identifier=";
        var atLimit = path + new string('a', 8192 - path.Length);

        // The request line is over 8 KiB, Kestrel's old limit, and the target just fits ours.
        var fits = await RawHttp.ExchangeAsync(Port, RawHttp.Get(atLimit));
        var over = await RawHttp.ExchangeAsync(Port, RawHttp.Get(atLimit + "a"));
        var farOver = await RawHttp.ExchangeAsync(Port, RawHttp.Get(path + new string('a', 40_000)));

        Assert.Equal(200, fits.Status);
        Assert.Contains("\"data\"", fits.Body, StringComparison.Ordinal);
        foreach (var answer in new[] { over, farOver })
        {
            Assert.Equal(414, answer.Status);
            Assert.Equal("application/json", answer.Header("Content-Type"));
            Assert.Equal("The request URL is longer than MAX_URL_LENGTH (8192 characters)", answer.Message);
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task HeadersPastKestrelsCeilingAreItsBare431AndTheServiceKeepsServing()
    {
        // Over twice MAX_REQUEST_HEADERS_SIZE (32 KiB): Kestrel stops reading there.
        var answer = await RawHttp.ExchangeAsync(Port, RawHttp.Get("/api/v1.0/about", [$"X-Padding: {new string('p', 66 * 1024)}"]));

        Assert.Equal(431, answer.Status);
        Assert.Equal("close", answer.Header("Connection"));
        Assert.Equal(string.Empty, answer.Body);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task AConnectionOverMaxConcurrentConnectionsGetsA503NamingTheSetting()
    {
        var held = await HoldAllConnectionsAsync();
        try
        {
            // A POST with a body: the answer must not be lost to a reset over unread data.
            var body = "[" + string.Join(',', Enumerable.Repeat("{\"comment\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", 1000)) + "]";
            var refused = await RawHttp.ExchangeAsync(Port,
                $"POST /api/v1.0/waivers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");

            Assert.Equal(503, refused.Status);
            Assert.Equal("application/json", refused.Header("Content-Type"));
            Assert.Equal("close", refused.Header("Connection"));
            Assert.Equal("5", refused.Header("Retry-After"));
            Assert.Equal("The server has as many connections open as MAX_CONCURRENT_CONNECTIONS (10) allows; try again later", refused.Message);

            // The held connections are still served, and operators see the refusal counted.
            Assert.Equal(200, (await RawHttp.ExchangeAsync(held[0], RawHttp.Get("/healthcheck/live"))).Status);
            var metrics = await RawHttp.ExchangeAsync(held[1], RawHttp.Get("/api/v1.0/metrics"));
            var refusals = System.Text.RegularExpressions.Regex.Match(metrics.Body, @"^waiverdb_connections_refused_total (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(refusals.Success && int.Parse(refusals.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1, metrics.Body);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ConnectionsAreCountedExactlyUnderConcurrency()
    {
        // Rounds of many connections at once, each answered (200 or 503, never dropped).
        for (var round = 0; round < 5; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => RawHttp.ExchangeAsync(Port, RawHttp.Get("/healthcheck/live"))));
            Assert.All(answers, a => Assert.Contains(a.Status, new[] { 200, 503 }));
            Assert.InRange(answers.Count(a => a.Status == 200), 1, 40);
        }

        // Afterwards the count is back to zero: exactly the limit can be held again, one more is refused.
        var held = await HoldAllConnectionsAsync();
        try
        {
            Assert.Equal(503, (await RawHttp.ExchangeAsync(Port, RawHttp.Get("/healthcheck/live"))).Status);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        await AssertStillServingAsync();
    }

    private static IEnumerable<string> Headers(int count) => Enumerable.Range(0, count).Select(i => $"X-Header-{i}: {i}");

    /// <summary>
    /// Opens MAX_CONCURRENT_CONNECTIONS kept-alive connections, each answered 200. A connection
    /// refused because an earlier client's closed one is still being counted down is tried again.
    /// </summary>
    private async Task<List<Socket>> HoldAllConnectionsAsync()
    {
        var held = new List<Socket>();
        var deadline = DateTime.UtcNow + Patience;
        while (held.Count < MaxConnections)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {held.Count} connections were let through");
            var socket = await RawHttp.ConnectAsync(Port);
            var answer = await RawHttp.ExchangeAsync(socket, RawHttp.Get("/healthcheck/live"));
            if (answer.Status == 200)
            {
                held.Add(socket);
                continue;
            }

            Assert.Equal(503, answer.Status);
            socket.Dispose();
            await Task.Delay(200);
        }

        return held;
    }

    /// <summary>A normal request is answered (once connections closed by the test are counted down).</summary>
    private async Task AssertStillServingAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var client = new HttpClient { BaseAddress = Service.BaseAddress };
            using var response = await client.GetAsync("/api/v1.0/about");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("\"version\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                return;
            }

            await Task.Delay(200);
        }
    }
}
