using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// fedora-messaging's <c>amqps://</c> with <c>[tls]</c> ca_cert, certfile and keyfile, as
/// Fedora's broker is used: the broker's certificate is checked against ca_cert and the
/// client certificate is the identity (EXTERNAL, its common name a broker user).
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class OutboxTlsTests(RabbitMqBroker broker) : ServiceFixture
{
    private readonly string _directory = Directory.CreateTempSubdirectory("waiverdb-outbox-tls-").FullName;
    private readonly string _topicPrefix = $"org.example.tls{Guid.NewGuid().ToString("N")[..8]}";

    private string ConfigPath => Path.Combine(_directory, "config.toml");

    private string RoutingKey => $"{_topicPrefix}.waiverdb.waiver.new";

    private readonly string _user = $"waiverdb-{Guid.NewGuid().ToString("N")[..8]}";

    public override async Task InitializeAsync()
    {
        await broker.AddUserAsync(_user);
        using var client = TestCertificates.CreateClient(broker.Authority, $"CN={_user}");
        TestCertificates.WritePem(client, Path.Combine(_directory, "client.pem"), Path.Combine(_directory, "client.key"));
        await WriteConfigAsync(broker.CaCertPath);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["FEDORA_MESSAGING_CONF"] = ConfigPath;
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 0.2;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 1;
        settings["MESSAGE_PUBLISH_TIMEOUT_SECONDS"] = 5;
    }

    private Task WriteConfigAsync(string caCert) => File.WriteAllTextAsync(ConfigPath, $"""
        amqp_url = "amqps://127.0.0.1:{broker.TlsPort}/%2F"
        topic_prefix = "{_topicPrefix}"

        [tls]
        ca_cert = "{caCert}"
        certfile = "{Path.Combine(_directory, "client.pem")}"
        keyfile = "{Path.Combine(_directory, "client.key")}"
        """);

    [Fact]
    public async Task AClientCertificateSignedByTheBrokersCaPublishesOverTls()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, RoutingKey);

        var created = await CreateAsync(WaiverBody());

        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(60)));
        Assert.Equal((int)created["id"]!, (int)JsonNode.Parse(message.Body)!["id"]!);
        // Authenticated by its certificate, not as guest.
        Assert.Contains(_user, await broker.ConnectionUsersAsync());
    }

    [Fact]
    public async Task ABrokerCertificateNotSignedByCaCertIsRefusedAndTheMessageWaits()
    {
        await using var queue = await BrokerQueue.BindAsync(broker, RoutingKey);
        // The same service restarted with a ca_cert that did not sign the broker's certificate.
        await Application.DisposeAsync();
        using var otherAuthority = TestCertificates.CreateAuthority("CN=Some other CA");
        var otherCa = Path.Combine(_directory, "other-ca.pem");
        TestCertificates.WritePem(otherAuthority, otherCa);
        await WriteConfigAsync(otherCa);
        await using var restarted = new WaiverDbApplication(WaiverDbApplication.DevelopmentSettings(Postgres.Uri(DatabaseName), ConfigureSettings));
        using var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:x")));

        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(4)));
        await using var db = OpenDatabase();
        var row = await db.QuerySingleAsync<(DateTime? SentAt, int Attempts, string? LastError)>(
            "SELECT sent_at, attempts, last_error FROM waiverdb_outbox");
        Assert.Null(row.SentAt);
        Assert.True(row.Attempts > 0, "no attempt was recorded");
        Assert.False(string.IsNullOrEmpty(row.LastError));
    }
}
