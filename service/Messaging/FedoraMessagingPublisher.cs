using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RabbitMQ.Client;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// Publishes outbox messages over AMQP 0-9-1 exactly as fedora-messaging's <c>publish()</c>
/// does (properties, headers, routing key), so fedora-messaging consumers such as Greenwave
/// accept them. Publisher confirms: a message counts as sent only once the broker confirms it.
/// One connection is kept open between batches and dropped after any failure.
/// </summary>
internal sealed class FedoraMessagingPublisher(WaiverDbSettings settings, ILogger<FedoraMessagingPublisher> logger) : IMessagePublisher
{
    private readonly FedoraMessagingConfig _config = settings.MessageBus.FedoraMessaging ?? new FedoraMessagingConfig();
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task<Exception?[]> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new Exception?[messages.Count];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.MessageBus.PublishTimeout);
        IChannel channel;
        try
        {
            channel = await OpenChannelAsync(timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await DropConnectionAsync();
            Array.Fill(outcomes, e);
            return outcomes;
        }

        // Sent back to back on one channel, so the broker receives them in order, then the
        // confirmations are awaited together rather than one round trip per message.
        var pending = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            pending[i] = PublishOneAsync(channel, messages[i], timeout.Token);
        }

        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                await pending[i];
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                outcomes[i] = e;
            }
        }

        if (outcomes.Any(o => o is not null))
        {
            await DropConnectionAsync();
        }

        return outcomes;
    }

    private async Task PublishOneAsync(IChannel channel, OutboxMessage message, CancellationToken ct)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            DeliveryMode = DeliveryModes.Persistent,
            Priority = 0,
            MessageId = message.MessageId.ToString(),
            Headers = new Dictionary<string, object?>
            {
                ["fedora_messaging_schema"] = "base.message",
                ["fedora_messaging_severity"] = 20,
                // Python's datetime.now(tz=timezone.utc).isoformat().
                ["sent-at"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture),
            },
        };
        await channel.BasicPublishAsync(_config.PublishExchange, _config.RoutingKey(message.Topic), mandatory: false,
            properties, Encoding.UTF8.GetBytes(message.Body), ct);
    }

    private async Task<IChannel> OpenChannelAsync(CancellationToken ct)
    {
        if (_channel is { IsOpen: true } && _connection is { IsOpen: true })
        {
            return _channel;
        }

        await DropConnectionAsync();
        var factory = new ConnectionFactory
        {
            Uri = _config.AmqpUrl,
            ClientProvidedName = "waiverdb",
            // The dispatcher retries with its own backoff; a half-recovered connection would
            // only hide the outage from it.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = settings.MessageBus.PublishTimeout,
            ContinuationTimeout = settings.MessageBus.PublishTimeout,
        };
        if (_config.AmqpUrl.Scheme == "amqps")
        {
            factory.Ssl = TlsOptions();
            if (_config.CertFile is not null)
            {
                // As fedora-messaging: with a client certificate, it is the identity (EXTERNAL).
                factory.AuthMechanisms = [new ExternalMechanismFactory()];
            }
        }

        logger.LogInformation("Connecting to the message broker {Url}", _config.SafeUrl);
        _connection = await factory.CreateConnectionAsync(ct);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        return _channel;
    }

    private SslOption TlsOptions()
    {
        var tls = new SslOption { Enabled = true, ServerName = _config.AmqpUrl.Host };
        if (_config.CertFile is not null && _config.KeyFile is not null)
        {
            tls.Certs = [X509Certificate2.CreateFromPemFile(_config.CertFile, _config.KeyFile)];
        }

        if (_config.CaCert is { } caFile)
        {
            // Trust exactly the configured CA, as fedora-messaging's ssl context does with ca_cert.
            var authority = X509CertificateLoader.LoadCertificateFromFile(caFile);
            tls.CertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return tls;
    }

    private async Task DropConnectionAsync()
    {
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection) = (null, null);
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception e)
        {
            // A dead connection may fail to close; it is being replaced anyway.
            logger.LogDebug(e, "Closing the broken broker connection failed");
        }
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync();
}
