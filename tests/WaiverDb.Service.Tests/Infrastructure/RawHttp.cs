using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>An HTTP/1.1 answer read off a raw connection.</summary>
public sealed record RawAnswer(int Status, string Head, string Body)
{
    /// <summary>The value of header <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => Head.Split("\r\n").Skip(1)
        .Select(line => line.Split(':', 2))
        .Where(parts => parts.Length == 2 && parts[0].Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(parts => parts[1].Trim())
        .FirstOrDefault();

    /// <summary>The JSON body's <c>message</c>.</summary>
    public string? Message => (string?)JsonNode.Parse(Body)?["message"];
}

/// <summary>
/// Requests written byte for byte on a loopback socket, for what HttpClient will not send
/// (hundreds of headers, request lines past any sane length) or would hide (a connection
/// closed without an answer).
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> on a new connection, reads the answer and closes.</summary>
    public static async Task<RawAnswer> ExchangeAsync(int port, string request)
    {
        using var socket = await ConnectAsync(port);
        return await ExchangeAsync(socket, request);
    }

    /// <summary>Sends <paramref name="request"/> on <paramref name="socket"/> and reads one answer (Content-Length or chunked body).</summary>
    public static async Task<RawAnswer> ExchangeAsync(Socket socket, string request)
    {
        ArgumentNullException.ThrowIfNull(socket);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request));
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (TryParse(received.ToArray(), out var answer))
            {
                return answer;
            }

            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return TryParse(received.ToArray(), out answer) ? answer
                    : throw new InvalidOperationException($"the connection closed before a whole answer: {Encoding.UTF8.GetString([.. received])}");
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>A GET of <paramref name="target"/> with <paramref name="headers"/> after Host.</summary>
    public static string Get(string target, IEnumerable<string>? headers = null) =>
        $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + string.Concat((headers ?? []).Select(h => h + "\r\n")) + "\r\n";

    private static bool TryParse(byte[] bytes, out RawAnswer answer)
    {
        answer = null!;
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var head = text[..end];
        var rest = text[(end + 4)..];
        var status = int.Parse(head.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        var probe = new RawAnswer(status, head, string.Empty);
        string body;
        if (probe.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new StringBuilder();
            var at = 0;
            while (true)
            {
                var line = rest.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (line < 0)
                {
                    return false;
                }

                var size = int.Parse(rest[at..line].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }

                if (rest.Length < line + 2 + size + 2)
                {
                    return false;
                }

                decoded.Append(rest, line + 2, size);
                at = line + 2 + size + 2;
            }

            body = decoded.ToString();
        }
        else
        {
            var length = int.Parse(probe.Header("Content-Length") ?? "0", CultureInfo.InvariantCulture);
            if (Encoding.UTF8.GetByteCount(rest) < length)
            {
                return false;
            }

            body = rest;
        }

        answer = probe with { Body = body };
        return true;
    }
}
