using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that, once armed, breaks the next connection
/// that sends COMMIT: either after passing the COMMIT on and letting the server commit, but
/// before its answer reaches the client (the outcome the client cannot know), or instead of
/// passing it on (the server then rolls back). Everything else is passed through untouched.
/// </summary>
public sealed class CommitCuttingProxy : IAsyncDisposable
{
    private static readonly byte[] Commit = Encoding.ASCII.GetBytes("COMMIT\0");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _mode;
    private int _cuts;

    public enum Cut
    {
        None,
        AfterCommitReachedTheServer,
        BeforeCommitReachedTheServer,
    }

    public CommitCuttingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections were broken so far.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Breaks the next connection that commits, in the way given.</summary>
    public void Arm(Cut cut) => Volatile.Write(ref _mode, (int)cut);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        await server.ConnectAsync(IPAddress.Loopback, _target);
        var muted = new Flag();
        var toServer = PumpToServerAsync(client.GetStream(), server.GetStream(), muted, client, server);
        var toClient = PumpAsync(server.GetStream(), client.GetStream(), muted);
        await Task.WhenAny(toServer, toClient);
        client.Close();
        server.Close();
    }

    private async Task PumpToServerAsync(NetworkStream from, NetworkStream to, Flag muted, TcpClient client, TcpClient server)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (buffer.AsSpan(0, read).IndexOf(Commit) >= 0 && Volatile.Read(ref _mode) != (int)Cut.None)
                {
                    var cut = (Cut)Interlocked.Exchange(ref _mode, (int)Cut.None);
                    if (cut != Cut.None)
                    {
                        Interlocked.Increment(ref _cuts);
                        // From here on the server's answers are dropped; the server's answer to
                        // COMMIT ends the relay (PumpAsync returns), which breaks the connection.
                        muted.Value = true;
                        if (cut == Cut.AfterCommitReachedTheServer)
                        {
                            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                            // Time for the server to commit, should it not answer.
                            await Task.Delay(500, _stop.Token);
                        }

                        client.Client.LingerState = new LingerOption(true, 0);
                        server.Client.LingerState = new LingerOption(true, 0);
                        return;
                    }
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Flag muted)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0 || muted.Value)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private sealed class Flag
    {
        public volatile bool Value;
    }
}
