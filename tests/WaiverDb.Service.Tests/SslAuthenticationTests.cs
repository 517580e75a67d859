using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The <c>SSL</c> method end to end: the service process serves https with its own server
/// certificate and checks client certificates against <c>SSL_CLIENT_CA_FILE</c>; on a plain
/// http address it takes the subject DN a proxy at 127.0.0.1 (<c>SSL_TRUSTED_PROXIES</c>)
/// sends. Every certificate is made by the test.
/// </summary>
public sealed class SslAuthenticationTests(SslService fixture) : IClassFixture<SslService>
{
    [Fact]
    public async Task ACertificateFromTheConfiguredAuthorityIsTheUserBySubjectDn()
    {
        using var client = HttpsClient(TestCertificates.CreateClient(fixture.Authority, "CN=alice,OU=Packagers,O=Example Org,C=US"));

        var (status, body) = await PostWaiverAsync(client);

        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal("CN=alice,OU=Packagers,O=Example Org,C=US", (string?)body["username"]);
    }

    [Fact]
    public async Task SpecialCharactersOfTheSubjectAreEscapedAsRfc4514Says()
    {
        using var client = HttpsClient(TestCertificates.CreateClient(fixture.Authority, "CN=\"Smith, John+1\",O=Example Org"));

        var (status, body) = await PostWaiverAsync(client);

        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal(@"CN=Smith\, John\+1,O=Example Org", (string?)body["username"]);
    }

    [Fact]
    public async Task ASelfSignedCertificateIsRefused()
    {
        using var client = HttpsClient(TestCertificates.CreateClient(null, "CN=mallory"));

        await AssertUnauthorizedAsync(client,
            "Authentication failed (SSL: the client certificate 'CN=mallory' was refused: Options do not allow self signed certificates.)");
    }

    [Fact]
    public async Task ACertificateFromAnotherAuthorityIsRefused()
    {
        var other = TestCertificates.CreateAuthority("CN=Other CA");
        using var client = HttpsClient(TestCertificates.CreateClient(other, "CN=alice,OU=Packagers,O=Example Org,C=US"));

        await AssertUnauthorizedAsync(client,
            "Authentication failed (SSL: the client certificate 'CN=alice,OU=Packagers,O=Example Org,C=US' was refused: Client certificate failed validation.)");
    }

    [Fact]
    public async Task AnExpiredCertificateIsRefused()
    {
        using var client = HttpsClient(TestCertificates.CreateClient(fixture.Authority, "CN=old", DateTimeOffset.UtcNow.AddDays(-1)));

        await AssertUnauthorizedAsync(client,
            "Authentication failed (SSL: the client certificate 'CN=old' was refused: Client certificate failed validation.)");
    }

    [Fact]
    public async Task NoCertificateIsAnUnauthorizedSayingWhatIsAccepted()
    {
        using var client = HttpsClient(certificate: null);

        await AssertUnauthorizedAsync(client, "Authentication required: no credentials were sent (accepted: SSL)");
    }

    [Fact]
    public async Task TheSubjectDnFromATrustedProxyIsTheUser()
    {
        using var client = ProxyClient(IPAddress.Loopback);

        var (status, body) = await PostWaiverAsync(client, ProxyHeaders("CN=bob,O=Example Org", "SUCCESS"));

        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal("CN=bob,O=Example Org", (string?)body["username"]);
    }

    [Fact]
    public async Task ProxyHeadersFromAnUntrustedAddressAreIgnored()
    {
        using var client = ProxyClient(IPAddress.Parse("127.0.0.2"));

        await AssertUnauthorizedAsync(client,
            "Authentication failed (SSL: the X-SSL-Client-S-DN header from 127.0.0.2 is ignored: that address is not in SSL_TRUSTED_PROXIES)",
            ProxyHeaders("CN=bob,O=Example Org", "SUCCESS"));
    }

    [Fact]
    public async Task ACertificateTheProxyDidNotVerifyIsRefused()
    {
        using var client = ProxyClient(IPAddress.Loopback);

        await AssertUnauthorizedAsync(client,
            "Authentication failed (SSL: the proxy did not verify the client certificate (X-SSL-Client-Verify: FAILED:certificate has expired))",
            ProxyHeaders("CN=bob,O=Example Org", "FAILED:certificate has expired"));
    }

    [Fact]
    public async Task AboutReportsTheSslMethod()
    {
        using var client = ProxyClient(IPAddress.Loopback);

        var about = JsonNode.Parse(await client.GetStringAsync(new Uri(fixture.Http, "/api/v1.0/about")))!;

        Assert.Equal("SSL", (string?)about["auth_method"]);
    }

    private static Dictionary<string, string> ProxyHeaders(string dn, string verify) =>
        new() { ["X-SSL-Client-S-DN"] = dn, ["X-SSL-Client-Verify"] = verify };

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostWaiverAsync(HttpClient client, Dictionary<string, string>? headers = null)
    {
        var body = new JsonObject
        {
            ["subject_type"] = "koji_build",
            ["subject_identifier"] = $"ssl-{Guid.NewGuid():N}",
            ["testcase"] = "dist.rpmdeplint",
            ["product_version"] = "fedora-27",
            ["comment"] = "This is fine",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) ?? throw new InvalidOperationException($"not JSON: {text}"));
    }

    private async Task AssertUnauthorizedAsync(HttpClient client, string message, Dictionary<string, string>? headers = null)
    {
        var (status, body) = await PostWaiverAsync(client, headers);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["message"] = message }, body), body.ToJsonString());
    }

    /// <summary>A client of the https address that trusts the test's server certificate and presents <paramref name="certificate"/>.</summary>
    private HttpClient HttpsClient(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == fixture.Server.GetCertHashString();

        // Always present the certificate, whatever issuers the server says it accepts.
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!;
        return new HttpClient(handler) { BaseAddress = fixture.Https, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client of the http address whose connections come from <paramref name="from"/>, as a reverse proxy's would.</summary>
    private HttpClient ProxyClient(IPAddress from)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = fixture.Http, Timeout = TimeSpan.FromSeconds(30) };
    }
}

/// <summary>The service process for <see cref="SslAuthenticationTests"/>, its certificates and its database.</summary>
public sealed class SslService : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"waiverdb-ssl-{Guid.NewGuid():N}");
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;
    private ServiceProcess _service = null!;

    /// <summary>The CA of <c>SSL_CLIENT_CA_FILE</c>, with its key.</summary>
    public X509Certificate2 Authority { get; private set; } = null!;

    public X509Certificate2 Server { get; private set; } = null!;

    public Uri Https { get; private set; } = null!;

    public Uri Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // xunit does not dispose a fixture whose start failed: clean up here.
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_directory);
        Authority = TestCertificates.CreateAuthority("CN=WaiverDB Test Client CA,O=Example Org");
        Server = TestCertificates.CreateServer(TestCertificates.CreateAuthority("CN=WaiverDB Test Server CA"));
        TestCertificates.WritePem(Server, Path.Combine(_directory, "server.pem"), Path.Combine(_directory, "server.key"));
        TestCertificates.WritePem(Authority, Path.Combine(_directory, "client-ca.pem"));

        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();
        var (httpsPort, httpPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        Https = new Uri($"https://127.0.0.1:{httpsPort}");
        Http = new Uri($"http://127.0.0.1:{httpPort}");
        _service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["WAIVERDB_LISTEN"] = $"{Https};{Http}",
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["AUTH_METHODS"] = """["SSL"]""",
            ["SSL_CERTIFICATE"] = Path.Combine(_directory, "server.pem"),
            ["SSL_KEY"] = Path.Combine(_directory, "server.key"),
            ["SSL_CLIENT_CA_FILE"] = Path.Combine(_directory, "client-ca.pem"),
            ["SSL_TRUSTED_PROXIES"] = """["127.0.0.1"]""",
        });
        await WaitUntilHealthyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_database.Length > 0)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await _postgres.DropDatabaseAsync(_database);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_service.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_service.ExitCode}: {_service.Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/healthcheck", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service did not become healthy: {_service.Output}");
    }
}
