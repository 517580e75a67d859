using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>MESSAGE_PUBLISHER</c> stomp with upstream's <c>STOMP_CONFIGS</c>, against RabbitMQ's STOMP
/// plugin: the destination <c>/topic/X</c> reaches a queue bound to amq.topic with key X.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class OutboxStompTests(RabbitMqBroker broker) : ServiceFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _user = $"umb-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string _topic = $"VirtualTopic.eng.test{Guid.NewGuid().ToString("N")[..8]}.waiverdb.waiver.new";
    private string _passcode = "right-passcode";

    public override async Task InitializeAsync()
    {
        await broker.AddUserAsync(_user, "right-passcode");
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["MESSAGE_PUBLISHER"] = "stomp";
        settings["ADMINS"] = new JsonArray("root");
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 0.2;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 1;
        settings["MESSAGE_PUBLISH_TIMEOUT_SECONDS"] = 5;
        // The first broker is down: the second one is used (failover).
        settings["STOMP_CONFIGS"] = new JsonObject
        {
            ["destination"] = $"/topic/{_topic}",
            ["connection"] = new JsonObject
            {
                ["host_and_ports"] = new JsonArray(new JsonArray("127.0.0.1", ClosedPort()), new JsonArray("127.0.0.1", broker.StompPort.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                ["use_ssl"] = false,
            },
            ["credentials"] = new JsonObject { ["login"] = _user, ["passcode"] = _passcode },
        };
    }

    [Fact]
    public async Task ARemovalGoesToTheDestinationNamedForWaiverDeletedNotToNewWaiverConsumers()
    {
        var deletedTopic = _topic[..^"waiver.new".Length] + "waiver.deleted";
        await using var deleted = await BrokerQueue.BindAsync(broker, deletedTopic);
        await using var created = await BrokerQueue.BindAsync(broker, _topic);
        var waiver = await CreateAsync(WaiverBody());
        Assert.Single(await created.ReceiveAsync(1, Patience));
        using var client = As("root");
        using var response = await client.DeleteAsync($"/api/v1.0/admin/waivers/{waiver["id"]}?reason=spam");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = Assert.Single(await deleted.ReceiveAsync(1, Patience));
        Assert.Equal((int)waiver["id"]!, (int)JsonNode.Parse(message.Body)!["id"]!);
        Assert.Null(JsonNode.Parse(message.Body)!["comment"]);
        Assert.Empty(await created.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task TheWaiverReachesTheDestinationOnceTheBrokerSentItsReceipt()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, _topic);
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));
        var apiText = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var message = Assert.Single(await queue.ReceiveAsync(1, Patience));
        Assert.Equal(apiText, message.Body);
        Assert.Equal("application/json", message.Properties.ContentType);
        Assert.Equal(2, (int)message.Properties.DeliveryMode);
        await using var db = OpenDatabase();
        var messageId = await db.QuerySingleAsync<Guid>("SELECT message_id FROM waiverdb_outbox");
        Assert.Equal(messageId.ToString(), message.Header("waiverdb-message-id"));
        await WaitUntilSentAsync(1);
    }

    [Fact]
    public async Task WaiversCreatedWhileTheBrokerIsStoppedArriveOnceEachWhenItStarts()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, _topic);
        await broker.StopAppAsync();
        try
        {
            var list = new JsonArray([.. Enumerable.Range(0, 30).Select(j => (JsonNode)WaiverBody($"pkg-{j}-1.0-1.fc40"))]);
            Assert.Equal(HttpStatusCode.Created, (await PostWaiversAsync(list)).Status);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await broker.StartAppAsync();
        }

        var messages = await queue.ReceiveAsync(30, Patience);
        messages.AddRange(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(2)));
        Assert.Equal(30, messages.Select(m => m.Header("waiverdb-message-id")).Distinct().Count());
        Assert.Equal(30, messages.Count);
        await WaitUntilSentAsync(30);
    }

    [Fact]
    public async Task AWrongPasscodeIsTheBrokersErrorFrameAndTheMessageWaits()
    {
        // The same service restarted with a passcode the broker refuses.
        await Application.DisposeAsync();
        _passcode = "wrong-passcode";
        await using var restarted = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), ConfigureSettings));
        using var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        await using var db = OpenDatabase();
        var deadline = DateTime.UtcNow + Patience;
        string? lastError;
        while ((lastError = await db.ExecuteScalarAsync<string?>("SELECT last_error FROM waiverdb_outbox")) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no failed attempt was recorded");
            await Task.Delay(100);
        }

        Assert.Contains("STOMP ERROR", lastError, StringComparison.Ordinal);
        Assert.Null(await db.ExecuteScalarAsync<DateTime?>("SELECT sent_at FROM waiverdb_outbox"));
    }

    [Fact]
    public async Task UseSslChecksTheBrokerAgainstSslCaCertsAndPresentsTheClientCertificate()
    {
        var directory = Directory.CreateTempSubdirectory("waiverdb-stomp-tls-").FullName;
        try
        {
            // Without credentials, the broker takes the certificate's common name as the user.
            var certificateUser = $"cert-{Guid.NewGuid().ToString("N")[..8]}";
            await broker.AddUserAsync(certificateUser);
            using (var certificate = TestCertificates.CreateClient(broker.Authority, $"CN={certificateUser}"))
            {
                TestCertificates.WritePem(certificate, Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
            }

            await Application.DisposeAsync();
            await using var queue = await BrokerQueue.BindAsync(broker, _topic);
            await using var tls = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), settings =>
            {
                ConfigureSettings(settings);
                var connection = settings["STOMP_CONFIGS"]!["connection"]!.AsObject();
                connection["host_and_ports"] = new JsonArray(new JsonArray("localhost", broker.StompTlsPort));
                connection["use_ssl"] = true;
                connection["ssl_ca_certs"] = broker.CaCertPath;
                connection["ssl_cert_file"] = Path.Combine(directory, "client.crt");
                connection["ssl_key_file"] = Path.Combine(directory, "client.key");
                settings["STOMP_CONFIGS"]!.AsObject().Remove("credentials");
            }));
            using var client = tls.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
            using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            Assert.Single(await queue.ReceiveAsync(1, Patience));
            await WaitUntilSentAsync(1);
            Assert.Contains(certificateUser, await broker.StompLoginsAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task WaitUntilSentAsync(int count)
    {
        await using var db = OpenDatabase();
        var deadline = DateTime.UtcNow + Patience;
        while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox WHERE sent_at IS NOT NULL") != count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox rows were not marked sent");
            await Task.Delay(100);
        }
    }

    // A port nobody listens on: a listener's port, released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
