using System.Net;
using System.Net.Sockets;
using System.Text;
using WaiverDb.Service.Messaging;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>The STOMP client's heart-beats and ERROR frames, against RabbitMQ and a silent fake broker.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class OutboxStompClientTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task HeartBeatsKeepAnIdleConnectionOpen()
    {
        await using var client = await StompClient.ConnectAsync("127.0.0.1", broker.StompPort, null, "guest", "guest",
            TimeSpan.FromMilliseconds(300), CancellationToken.None);
        // RabbitMQ works in whole seconds: both sides take the larger interval.
        Assert.Equal(TimeSpan.FromSeconds(1), client.SendHeartBeat);
        Assert.Equal(TimeSpan.FromSeconds(1), client.ExpectHeartBeat);

        // RabbitMQ closes a connection that misses its heart-beats; ours would fail on missing ones.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.True(client.IsOpen);
        var receipt = await client.SendAsync("/topic/waiverdb.heartbeat.test", [], "{}"u8.ToArray(), CancellationToken.None);
        await receipt.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ABrokerThatFallsSilentFailsThePendingSends()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var fake = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            var stream = socket.GetStream();
            await ReadFrameAsync(stream);
            // Promises a heart-beat every 100 ms, then says nothing more.
            await stream.WriteAsync("CONNECTED\nversion:1.2\nheart-beat:100,0\n\n\0"u8.ToArray());
            await Task.Delay(TimeSpan.FromSeconds(5));
        });

        await using var client = await StompClient.ConnectAsync("127.0.0.1", port, null, null, null,
            TimeSpan.FromMilliseconds(100), CancellationToken.None);
        var receipt = await client.SendAsync("/topic/x", [], "{}"u8.ToArray(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => receipt.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("no heart-beat", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsOpen);
        await fake;
    }

    [Fact]
    public async Task AnErrorFrameFailsTheConnectWithTheBrokersMessage()
    {
        var error = await Assert.ThrowsAsync<StompErrorException>(() => StompClient.ConnectAsync("127.0.0.1", broker.StompPort, null,
            "nobody", "wrong", TimeSpan.Zero, CancellationToken.None));

        Assert.StartsWith("STOMP ERROR: ", error.Message, StringComparison.Ordinal);
    }

    private static async Task ReadFrameAsync(NetworkStream stream)
    {
        var frame = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != 0)
        {
            frame.Append((char)one[0]);
        }

        Assert.StartsWith("CONNECT\n", frame.ToString(), StringComparison.Ordinal);
    }
}
