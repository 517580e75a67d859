using System.IO.Pipelines;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// <c>MAX_CONCURRENT_CONNECTIONS</c> as a connection middleware: a connection over the limit
/// gets a complete HTTP/1.1 503 with the API's JSON error, <c>Retry-After</c> and
/// <c>Connection: close</c>, where Kestrel's own limit would close it without a word.
/// Only the connections let through are counted, so at most the limit are ever served.
/// </summary>
public sealed class ConnectionLimit(int limit)
{
    // Long enough for a client on a busy network to send its request line and headers;
    // short enough that a flood of refused connections cannot hold them for long.
    private static readonly TimeSpan RequestPatience = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(1);
    private const long MaxRead = 64 * 1024;
    private const byte TlsHandshakeRecord = 0x16;

    private readonly byte[] _refusal = Refusal(limit);
    private int _open;

    public ConnectionDelegate Apply(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > limit)
        {
            Interlocked.Decrement(ref _open);
            Observability.ConnectionsRefused.Inc();
            await RefuseAsync(connection);
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };

    private async Task RefuseAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        try
        {
            // The request is read before the answer is written: closing with unread data
            // makes the kernel reset the connection, and the client may lose the answer.
            if (await ReadRequestHeadAsync(input))
            {
                // This listener speaks TLS and the handshake has not happened: no HTTP
                // answer could be read, so the connection is only closed.
                return;
            }

            await connection.Transport.Output.WriteAsync(_refusal);
            await DrainAsync(input);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            // The client went away first: nothing left to tell it.
        }
    }

    /// <summary>
    /// Reads until the end of the request's headers, a bounded time or size, or the client
    /// closing; true when the client began a TLS handshake instead.
    /// </summary>
    private static async Task<bool> ReadRequestHeadAsync(PipeReader input)
    {
        using var patience = new CancellationTokenSource(RequestPatience);
        long read = 0;
        var matched = 0;
        try
        {
            while (read < MaxRead)
            {
                var result = await input.ReadAsync(patience.Token);
                var buffer = result.Buffer;
                if (read == 0 && !buffer.IsEmpty && buffer.FirstSpan[0] == TlsHandshakeRecord)
                {
                    return true;
                }

                foreach (var segment in buffer)
                {
                    foreach (var b in segment.Span)
                    {
                        // "\r\n\r\n" ends the headers.
                        matched = b == (matched % 2 == 0 ? (byte)'\r' : (byte)'\n') ? matched + 1 : b == '\r' ? 1 : 0;
                        if (matched == 4)
                        {
                            input.AdvanceTo(buffer.End);
                            return false;
                        }
                    }
                }

                read += buffer.Length;
                input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Answered with what arrived in time.
        }

        return false;
    }

    /// <summary>Reads off what else the client sends (a body), until it closes after reading the answer or a bounded time passes.</summary>
    private static async Task DrainAsync(PipeReader input)
    {
        using var patience = new CancellationTokenSource(DrainPatience);
        long read = 0;
        try
        {
            while (read < MaxRead)
            {
                var result = await input.ReadAsync(patience.Token);
                read += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client keeps the connection open: it is closed now.
        }
    }

    private static byte[] Refusal(int limit)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(
            $"The server has as many connections open as MAX_CONCURRENT_CONNECTIONS ({limit.ToString(CultureInfo.InvariantCulture)}) allows; try again later"),
            WaiverDbJsonContext.Default.ErrorResponse);
        var head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 503 Service Unavailable\r\n" +
            "Content-Type: application/json\r\n" +
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Retry-After: 5\r\n" +
            "Connection: close\r\n\r\n");
        return [.. head, .. body];
    }
}
