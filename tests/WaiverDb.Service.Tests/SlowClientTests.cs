using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// Slow and abusive clients against the real Kestrel: 200 connections sending headers or a
/// body a byte at a time do not keep Greenwave's and Bodhi's requests from being answered,
/// and Kestrel's limits (REQUEST_HEADERS_TIMEOUT, MIN_REQUEST_BODY_DATA_RATE) close them;
/// oversized headers and bodies get the JSON 431 and 413 over real HTTP too.
/// </summary>
public sealed class SlowClientTests : ServiceProcessFixture
{
    private const int SlowConnections = 200;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["REQUEST_HEADERS_TIMEOUT"] = "10",
        ["MAX_CONCURRENT_CONNECTIONS"] = "1000",
    };

    [Fact]
    public async Task TwoHundredSlowConnectionsDoNotStarveNormalRequestsAndAreClosedByTheServer()
    {
        var port = Port;
        var slow = new List<Socket>();
        try
        {
            // Half send their headers a byte at a time; half send complete headers and then
            // a 100 kB body a byte at a time.
            for (var i = 0; i < SlowConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                var start = i % 2 == 0
                    ? "POST /api/v1.0/waivers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    : "POST /api/v1.0/waivers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic YWxpY2U6eA==\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
                await socket.SendAsync(Encoding.ASCII.GetBytes(start));
                slow.Add(socket);
            }

            using var trickle = new CancellationTokenSource();
            var trickling = TrickleAsync(slow, trickle.Token);

            // Every slow connection is open (its last byte was accepted) while the normal requests run.
            await SendToAllAsync(slow);
            var openDuring = slow.Count(IsOpen);
            using var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("bodhi:x"u8.ToArray()));
            for (var i = 0; i < 10; i++)
            {
                using var created = await client.PostAsync("/api/v1.0/waivers/", new StringContent(new JsonObject
                {
                    ["subject_type"] = "koji_build", ["subject_identifier"] = $"bash-5.2-{i}.fc40", ["testcase"] = "dist.rpmdeplint",
                    ["product_version"] = "fedora-40", ["comment"] = "while slow clients wait",
                }.ToJsonString(), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                using var filtered = await client.PostAsync("/api/v1.0/waivers/+filtered", new StringContent(
                    $$"""{"filters": [{"subject_type": "koji_build", "subject_identifier": "bash-5.2-{{i}}.fc40"}]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
                Assert.Single(JsonNode.Parse(await filtered.Content.ReadAsStringAsync())!["data"]!.AsArray());
            }

            Assert.Equal(SlowConnections, openDuring);

            // The limits end them: headers not complete in time, a body arriving too slowly.
            var deadline = DateTime.UtcNow + Patience;
            while (slow.Any(IsOpen) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }

            await trickle.CancelAsync();
            await trickling;
            Assert.Equal(0, slow.Count(IsOpen));
            using var health = await client.GetAsync("/healthcheck");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            foreach (var socket in slow)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task OversizedHeadersAndBodiesGetJsonErrorsFromTheRealServer()
    {
        using var client = new HttpClient { BaseAddress = Service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
        using var headers = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        headers.Headers.Add("X-Padding", new string('p', 40 * 1024));

        using var tooManyHeaders = await client.SendAsync(headers);
        // Only the headers: the answer comes before any body is read, and a client still
        // sending 3 MiB would see the connection close under it.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /api/v1.0/waivers/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic YWxpY2U6eA==\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\n\r\n[{}"));
        var answer = await ReadAnswerAsync(socket);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooManyHeaders.StatusCode);
        Assert.Contains("MAX_REQUEST_HEADERS_SIZE", (string?)JsonNode.Parse(await tooManyHeaders.Content.ReadAsStringAsync())!["message"], StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 413 ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json", answer, StringComparison.Ordinal);
        // The body may come chunked: the JSON object is what lies between the braces.
        var json = answer[answer.IndexOf('{', answer.IndexOf("\r\n\r\n", StringComparison.Ordinal))..(answer.LastIndexOf('}') + 1)];
        Assert.Contains("MAX_CONTENT_LENGTH", (string?)JsonNode.Parse(json)!["message"], StringComparison.Ordinal);
    }

    /// <summary>Reads an answer (headers and a Content-Length body) off a raw connection.</summary>
    private static async Task<string> ReadAnswerAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var text = received.ToString();
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = System.Text.RegularExpressions.Regex.Match(text, @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            if (end >= 0 && length.Success && text.Length - end - 4 >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            {
                return text;
            }

            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return text;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
    }

    private static async Task TrickleAsync(List<Socket> sockets, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SendToAllAsync(sockets);
            try
            {
                await Task.Delay(1000, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task SendToAllAsync(List<Socket> sockets)
    {
        foreach (var socket in sockets.Where(IsOpen))
        {
            try
            {
                await socket.SendAsync("a"u8.ToArray());
            }
            catch (SocketException)
            {
                // Closed by the server: what the limits are for.
            }
        }
    }

    /// <summary>Not closed by the server: no end of stream or reset has arrived.</summary>
    private static bool IsOpen(Socket socket)
    {
        try
        {
            if (!socket.Connected)
            {
                return false;
            }

            // Readable with nothing to read means the peer closed; a 408 answer also ends it.
            return !socket.Poll(0, SelectMode.SelectRead) || (socket.Available > 0 && !AnsweredAndClosing(socket));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static bool AnsweredAndClosing(Socket socket)
    {
        // Kestrel answers a too-slow body (408) before closing; read the answer off.
        var buffer = new byte[4096];
        while (socket.Available > 0)
        {
            _ = socket.Receive(buffer);
        }

        return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
    }
}
