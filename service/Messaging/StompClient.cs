using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace WaiverDb.Service.Messaging;

/// <summary>The broker answered with an ERROR frame.</summary>
internal sealed class StompErrorException(string message) : IOException(message);

/// <summary>
/// A small STOMP 1.2 client, just what publishing needs (no STOMP client is served to this
/// project): CONNECT with login and passcode, SEND with a receipt per frame so a message counts
/// as delivered only once the broker acknowledges it, heart-beats both ways, and ERROR frames
/// turned into failures of every pending send. Frames are pipelined: many SENDs may await
/// their receipts at once.
/// </summary>
internal sealed class StompClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _receipts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _bufferStart;
    private int _bufferEnd;
    private long _lastReceived = Environment.TickCount64;
    private long _lastSent = Environment.TickCount64;
    private long _nextReceipt;
    private Exception? _failure;
    private Task _background = Task.CompletedTask;

    private StompClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>False once the connection failed, the broker sent ERROR or a heart-beat was missed.</summary>
    public bool IsOpen => Volatile.Read(ref _failure) is null;

    /// <summary>The interval the client sends heart-beats at, as negotiated (zero: none).</summary>
    public TimeSpan SendHeartBeat { get; private set; }

    /// <summary>The interval the broker promised heart-beats at, as negotiated (zero: none).</summary>
    public TimeSpan ExpectHeartBeat { get; private set; }

    public static async Task<StompClient> ConnectAsync(
        string host, int port, SslClientAuthenticationOptions? tls, string? login, string? passcode, TimeSpan heartBeat, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, ct);
            Stream stream = tcp.GetStream();
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(tls, ct);
            }

            var client = new StompClient(tcp, stream);
            await client.HandshakeAsync(login, passcode, heartBeat, ct);
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private async Task HandshakeAsync(string? login, string? passcode, TimeSpan heartBeat, CancellationToken ct)
    {
        var beat = ((long)heartBeat.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var headers = new List<(string, string)> { ("accept-version", "1.2"), ("heart-beat", $"{beat},{beat}") };
        if (login is not null)
        {
            headers.Add(("login", login));
        }

        if (passcode is not null)
        {
            headers.Add(("passcode", passcode));
        }

        // CONNECT headers are not escaped (STOMP 1.2).
        await WriteFrameAsync("CONNECT", headers, body: null, escape: false, ct);
        var answer = await ReadFrameAsync(ct) ?? throw new IOException("the broker closed the connection during CONNECT");
        if (answer.Command == "ERROR")
        {
            throw new StompErrorException(ErrorText(answer));
        }

        if (answer.Command != "CONNECTED")
        {
            throw new IOException($"the broker answered CONNECT with {answer.Command}");
        }

        // heart-beat negotiation: each side sends at the larger of what it offers and what the
        // other asks for; zero on either side means none.
        var (sx, sy) = ParseHeartBeat(answer.Header("heart-beat"));
        var ours = (long)heartBeat.TotalMilliseconds;
        SendHeartBeat = ours == 0 || sy == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(ours, sy));
        ExpectHeartBeat = ours == 0 || sx == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(ours, sx));
        _background = Task.WhenAll(Task.Run(ReadLoopAsync, CancellationToken.None), Task.Run(HeartBeatLoopAsync, CancellationToken.None));
    }

    /// <summary>Sends one frame to <paramref name="destination"/>; the returned task completes when the broker's RECEIPT arrives.</summary>
    public async Task<Task> SendAsync(string destination, IReadOnlyList<(string Name, string Value)> headers, byte[] body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ThrowIfFailed();
        var receipt = Interlocked.Increment(ref _nextReceipt).ToString(CultureInfo.InvariantCulture);
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receipts[receipt] = confirmed;
        try
        {
            await WriteFrameAsync("SEND", [("destination", destination), .. headers, ("receipt", receipt)], body, escape: true, ct);
        }
        catch (Exception e)
        {
            _receipts.TryRemove(receipt, out _);
            Fail(e);
            throw;
        }

        // A failure that raced with the registration above must not leave the receipt pending.
        if (Volatile.Read(ref _failure) is { } failure)
        {
            confirmed.TrySetException(failure);
        }

        return confirmed.Task;
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var frame = await ReadFrameAsync(_closing.Token) ?? throw new IOException("the broker closed the connection");
                switch (frame.Command)
                {
                    case "RECEIPT" when frame.Header("receipt-id") is { } id && _receipts.TryRemove(id, out var confirmed):
                        confirmed.TrySetResult();
                        break;
                    case "ERROR":
                        // The broker closes the connection after ERROR: everything pending fails.
                        throw new StompErrorException(ErrorText(frame));
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private async Task HeartBeatLoopAsync()
    {
        var tick = new[] { SendHeartBeat, ExpectHeartBeat }.Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Min() / 2;
        if (tick == TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (!_closing.IsCancellationRequested)
            {
                await Task.Delay(tick, _closing.Token);
                var now = Environment.TickCount64;
                if (ExpectHeartBeat > TimeSpan.Zero && now - Interlocked.Read(ref _lastReceived) > 2 * ExpectHeartBeat.TotalMilliseconds)
                {
                    throw new IOException($"no heart-beat from the broker for {2 * ExpectHeartBeat.TotalSeconds} s");
                }

                if (SendHeartBeat > TimeSpan.Zero && now - Interlocked.Read(ref _lastSent) >= SendHeartBeat.TotalMilliseconds - tick.TotalMilliseconds)
                {
                    await WriteRawAsync("\n"u8.ToArray(), _closing.Token);
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closing.
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        if (Interlocked.CompareExchange(ref _failure, e, null) is not null)
        {
            return;
        }

        _closing.Cancel();
        foreach (var id in _receipts.Keys)
        {
            if (_receipts.TryRemove(id, out var pending))
            {
                pending.TrySetException(e);
            }
        }

        // Unblocks a pending read.
        _tcp.Dispose();
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new IOException($"the STOMP connection is closed: {failure.Message}", failure);
        }
    }

    private async Task WriteFrameAsync(string command, IReadOnlyList<(string Name, string Value)> headers, byte[]? body, bool escape, CancellationToken ct)
    {
        var text = new StringBuilder(command).Append('\n');
        foreach (var (name, value) in headers)
        {
            text.Append(escape ? Escape(name) : name).Append(':').Append(escape ? Escape(value) : value).Append('\n');
        }

        if (body is not null)
        {
            text.Append("content-length:").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append('\n');
        var head = Encoding.UTF8.GetBytes(text.ToString());
        var frame = new byte[head.Length + (body?.Length ?? 0) + 1];
        head.CopyTo(frame, 0);
        body?.CopyTo(frame, head.Length);
        await WriteRawAsync(frame, ct);
    }

    private async Task WriteRawAsync(byte[] bytes, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(bytes, ct);
            await _stream.FlushAsync(ct);
            Interlocked.Exchange(ref _lastSent, Environment.TickCount64);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next frame (heart-beats skipped), or null at the end of the stream.</summary>
    private async Task<StompFrame?> ReadFrameAsync(CancellationToken ct)
    {
        string command;
        do
        {
            var line = await ReadLineAsync(ct);
            if (line is null)
            {
                return null;
            }

            command = line;
        }
        while (command.Length == 0);

        var headers = new List<(string, string)>();
        var unescape = command != "CONNECTED";
        while (await ReadLineAsync(ct) is { Length: > 0 } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var (name, value) = (header[..colon], header[(colon + 1)..]);
                headers.Add(unescape ? (Unescape(name), Unescape(value)) : (name, value));
            }
        }

        var frame = new StompFrame(command, headers, []);
        byte[] body;
        if (frame.Header("content-length") is { } lengthText && int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            body = new byte[length];
            for (var i = 0; i < length; i++)
            {
                body[i] = await ReadByteAsync(ct) ?? throw new IOException("the connection ended inside a frame");
            }

            if (await ReadByteAsync(ct) != 0)
            {
                throw new IOException("a frame did not end with NUL");
            }
        }
        else
        {
            var bytes = new List<byte>();
            while (await ReadByteAsync(ct) is { } b and not 0)
            {
                bytes.Add(b);
            }

            body = [.. bytes];
        }

        return frame with { Body = body };
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var bytes = new List<byte>();
        while (true)
        {
            if (await ReadByteAsync(ct) is not { } b)
            {
                return bytes.Count == 0 ? null : throw new IOException("the connection ended inside a frame");
            }

            if (b == (byte)'\n')
            {
                if (bytes.Count > 0 && bytes[^1] == (byte)'\r')
                {
                    bytes.RemoveAt(bytes.Count - 1);
                }

                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(b);
        }
    }

    private async ValueTask<byte?> ReadByteAsync(CancellationToken ct)
    {
        if (_bufferStart == _bufferEnd)
        {
            var read = await _stream.ReadAsync(_buffer, ct);
            if (read == 0)
            {
                return null;
            }

            (_bufferStart, _bufferEnd) = (0, read);
            // Any bytes, heart-beats included, show the broker is alive.
            Interlocked.Exchange(ref _lastReceived, Environment.TickCount64);
        }

        return _buffer[_bufferStart++];
    }

    private static (long, long) ParseHeartBeat(string? value)
    {
        var parts = (value ?? "0,0").Split(',');
        return parts.Length == 2
               && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sx)
               && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sy)
            ? (sx, sy)
            : (0, 0);
    }

    private static string ErrorText(StompFrame error)
    {
        var detail = Encoding.UTF8.GetString(error.Body).Trim();
        return $"STOMP ERROR: {error.Header("message") ?? "(no message)"}{(detail.Length > 0 ? $": {detail}" : string.Empty)}";
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace(":", "\\c", StringComparison.Ordinal);

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                text.Append(value[i]);
                continue;
            }

            text.Append(value[++i] switch { 'r' => '\r', 'n' => '\n', 'c' => ':', _ => value[i] });
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsOpen)
        {
            try
            {
                // A polite goodbye; the connection is closed whatever the broker says.
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await WriteFrameAsync("DISCONNECT", [], body: null, escape: true, wait.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone.
            }
        }

        Fail(new ObjectDisposedException(nameof(StompClient)));
        try
        {
            await _background;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Its failures were already recorded.
        }

        await _stream.DisposeAsync();
        _closing.Dispose();
        _writeLock.Dispose();
    }
}

/// <summary>One STOMP frame; for repeated headers the first one counts (STOMP 1.2).</summary>
internal sealed record StompFrame(string Command, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();
}
