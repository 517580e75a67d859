using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// Publishes outbox messages over STOMP 1.2 to <c>STOMP_CONFIGS</c>' destination, as upstream
/// does (the JSON body, <c>content-type: application/json</c>), plus <c>persistent: true</c> and
/// the stable <c>waiverdb-message-id</c> header consumers can de-duplicate by. A message counts
/// as sent once the broker's RECEIPT for it arrives. The brokers of <c>host_and_ports</c> are
/// tried in order (failover); one connection is kept between batches and dropped after any failure.
/// </summary>
internal sealed class StompPublisher(WaiverDbSettings settings, ILogger<StompPublisher> logger) : IMessagePublisher
{
    private readonly StompSettings _stomp = settings.MessageBus.Stomp
        ?? throw new InvalidOperationException("STOMP_CONFIGS is not set");

    private StompClient? _client;

    public async Task<Exception?[]> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var outcomes = new Exception?[messages.Count];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.MessageBus.PublishTimeout);
        try
        {
            var client = await ConnectedAsync(timeout.Token);
            var receipts = new Task[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                receipts[i] = await client.SendAsync(DestinationFor(messages[i].Topic),
                    [("content-type", "application/json"), ("persistent", "true"), ("waiverdb-message-id", messages[i].MessageId.ToString()),
                     ("waiverdb-topic", messages[i].Topic)],
                    Encoding.UTF8.GetBytes(messages[i].Body), timeout.Token);
            }

            for (var i = 0; i < receipts.Length; i++)
            {
                try
                {
                    await receipts[i].WaitAsync(timeout.Token);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    outcomes[i] = e;
                }
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Connecting or writing failed: whatever has no outcome yet failed with it.
            for (var i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] ??= e;
            }
        }

        if (outcomes.Any(o => o is not null))
        {
            await DropConnectionAsync();
        }

        return outcomes;
    }

    private async Task<StompClient> ConnectedAsync(CancellationToken ct)
    {
        if (_client is { IsOpen: true })
        {
            return _client;
        }

        await DropConnectionAsync();
        var failures = new List<Exception>();
        foreach (var (host, port) in _stomp.Brokers)
        {
            try
            {
                _client = await StompClient.ConnectAsync(host, port, _stomp.UseSsl ? Tls(host) : null,
                    _stomp.Login, _stomp.Passcode, _stomp.HeartBeat, ct);
                logger.LogInformation("Connected to the STOMP broker {Host}:{Port}", host, port);
                return _client;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("The STOMP broker {Host}:{Port} cannot be used: {Error}", host, port, e.Message);
                failures.Add(e);
            }
        }

        throw new AggregateException("no STOMP broker of STOMP_CONFIGS could be used", failures);
    }

    private SslClientAuthenticationOptions Tls(string host)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (_stomp.SslCertFile is not null && _stomp.SslKeyFile is not null)
        {
            // Always presented: the broker's list of acceptable issuers may not name our CA
            // (a bundle, an intermediate), and without a certificate the login falls back.
            var certificate = X509Certificate2.CreateFromPemFile(_stomp.SslCertFile, _stomp.SslKeyFile);
            options.ClientCertificates = [certificate];
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (_stomp.SslCaCerts is { } caFile)
        {
            // Trust exactly the configured CAs (ssl_ca_certs), as stomp.py's ssl context does.
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        return options;
    }

    private async Task DropConnectionAsync()
    {
        var client = _client;
        _client = null;
        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync();

    /// <summary>
    /// Upstream's destination names the new-waiver topic (<c>/topic/VirtualTopic.eng.waiverdb.waiver.new</c>);
    /// other topics go to the same name with their own topic in its place, so a consumer of
    /// new waivers never receives a body that is not a waiver. A destination that does not
    /// end with the topic is used for every topic, told apart by the <c>waiverdb-topic</c> header.
    /// </summary>
    internal string DestinationFor(string topic) =>
        topic != OutboxWriter.WaiverNewTopic && _stomp.Destination.EndsWith(OutboxWriter.WaiverNewTopic, StringComparison.Ordinal)
            ? _stomp.Destination[..^OutboxWriter.WaiverNewTopic.Length] + topic
            : _stomp.Destination;
}
