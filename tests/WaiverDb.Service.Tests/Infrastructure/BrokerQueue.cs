using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>A message as a consumer received it.</summary>
public sealed record ReceivedMessage(string Exchange, string RoutingKey, IReadOnlyBasicProperties Properties, string Body)
{
    /// <summary>A header's value; the .NET client reads AMQP strings as bytes.</summary>
    public object? Header(string name) =>
        Properties.Headers?.TryGetValue(name, out var value) == true
            ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value
            : null;
}

/// <summary>
/// A durable queue bound to <c>amq.topic</c> with one routing key, read with basic.get. It
/// outlives broker restarts (stop_app/start_app); the connection is made again as needed.
/// </summary>
public sealed class BrokerQueue(RabbitMqBroker broker, string routingKey) : IAsyncDisposable
{
    private readonly string _name = $"waiverdb-test-{Guid.NewGuid():N}";
    private IConnection? _connection;
    private IChannel? _channel;

    public static async Task<BrokerQueue> BindAsync(RabbitMqBroker broker, string routingKey)
    {
        var queue = new BrokerQueue(broker, routingKey);
        var channel = await queue.ChannelAsync();
        await channel.QueueDeclareAsync(queue._name, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue._name, "amq.topic", routingKey);
        return queue;
    }

    public string RoutingKey => routingKey;

    /// <summary>Reads until <paramref name="count"/> messages came or <paramref name="timeout"/> passed.</summary>
    public async Task<List<ReceivedMessage>> ReceiveAsync(int count, TimeSpan timeout)
    {
        var messages = new List<ReceivedMessage>();
        var deadline = DateTime.UtcNow + timeout;
        while (messages.Count < count && DateTime.UtcNow < deadline)
        {
            try
            {
                var channel = await ChannelAsync();
                // Acknowledged once kept: a connection lost in between redelivers it rather than losing it.
                var result = await channel.BasicGetAsync(_name, autoAck: false);
                if (result is null)
                {
                    await Task.Delay(50);
                    continue;
                }

                messages.Add(new ReceivedMessage(result.Exchange, result.RoutingKey, result.BasicProperties, Encoding.UTF8.GetString(result.Body.Span)));
                await channel.BasicAckAsync(result.DeliveryTag, multiple: false);
            }
            catch (Exception e) when (e is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException)
            {
                (_channel, _connection) = (null, null);
                await Task.Delay(200);
            }
        }

        return messages;
    }

    private async Task<IChannel> ChannelAsync()
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        var factory = new ConnectionFactory { Uri = broker.AmqpUrl, AutomaticRecoveryEnabled = false };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
        return _channel;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { IsOpen: true })
        {
            await _channel.QueueDeleteAsync(_name);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
