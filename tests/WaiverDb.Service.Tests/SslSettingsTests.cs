using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using WaiverDb.Service.Auth.Ssl;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>How the <c>SSL</c> method's settings are read, and the subject DN form user names take.</summary>
public sealed class SslSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("waiverdb-ssl-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private WaiverDbSettings Load(Action<JsonObject> change)
    {
        var path = Path.Combine(_directory, "settings.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["AUTH_METHODS"] = new JsonArray("SSL"),
        };
        change(settings);
        File.WriteAllText(path, settings.ToJsonString());
        return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : null);
    }

    [Fact]
    public void ProxyModeNeedsOnlyTrustedProxies()
    {
        var ssl = Load(s => s["SSL_TRUSTED_PROXIES"] = new JsonArray("10.0.0.5", "192.168.0.0/16")).Ssl;

        Assert.Equal([IPNetwork.Parse("10.0.0.5/32"), IPNetwork.Parse("192.168.0.0/16")], ssl.TrustedProxies);
        Assert.Equal(("X-SSL-Client-S-DN", "X-SSL-Client-Verify"), (ssl.SubjectDnHeader, ssl.VerifyHeader));
        Assert.Null(ssl.ClientCas);
    }

    [Fact]
    public void TheHeaderNamesAreSettings()
    {
        var ssl = Load(s =>
        {
            s["SSL_TRUSTED_PROXIES"] = new JsonArray("127.0.0.1");
            s["SSL_CLIENT_S_DN_HEADER"] = "SSL-Client-DN";
            s["SSL_CLIENT_VERIFY_HEADER"] = string.Empty;
        }).Ssl;

        Assert.Equal(("SSL-Client-DN", string.Empty), (ssl.SubjectDnHeader, ssl.VerifyHeader));
    }

    [Fact]
    public void TheSslMethodWithoutAWayToCheckCertificatesIsRefused()
    {
        var problem = Assert.Throws<SettingsException>(() => Load(_ => { }));

        Assert.Equal(["AUTH_METHODS: SSL needs SSL_CLIENT_CA_FILE (the service checks client certificates) or SSL_TRUSTED_PROXIES (a proxy does)"],
            problem.Problems);
    }

    [Fact]
    public void BadSslSettingsStopStartUpNamingEachKey()
    {
        var problem = Assert.Throws<SettingsException>(() => Load(s =>
        {
            s["SSL_TRUSTED_PROXIES"] = new JsonArray("proxy.example.com");
            s["SSL_CLIENT_CA_FILE"] = Path.Combine(_directory, "missing.pem");
            s["SSL_CERTIFICATE"] = Path.Combine(_directory, "server.pem");
        }));

        Assert.Equal(4, problem.Problems.Count);
        Assert.Equal("SSL_CERTIFICATE: SSL_CERTIFICATE and SSL_KEY (PEM files) are given together or not at all", problem.Problems[0]);
        Assert.StartsWith($"SSL_CLIENT_CA_FILE: cannot read CA certificates from '{Path.Combine(_directory, "missing.pem")}'", problem.Problems[1], StringComparison.Ordinal);
        Assert.Equal("SSL_TRUSTED_PROXIES: 'proxy.example.com' is not an IP address or network such as 10.0.0.5 or 10.0.0.0/24", problem.Problems[2]);
        Assert.Equal("AUTH_METHODS: SSL needs SSL_CLIENT_CA_FILE (the service checks client certificates) or SSL_TRUSTED_PROXIES (a proxy does)",
            problem.Problems[3]);
    }

    [Fact]
    public void ClientCertificatesNeedTheServiceToTerminateTls()
    {
        var ca = Path.Combine(_directory, "ca.pem");
        TestCertificates.WritePem(TestCertificates.CreateAuthority("CN=Test CA"), ca);

        var problem = Assert.Throws<SettingsException>(() => Load(s => s["SSL_CLIENT_CA_FILE"] = ca));

        Assert.Equal(["SSL_CLIENT_CA_FILE: needs SSL_CERTIFICATE and SSL_KEY: client certificates are only seen where the service terminates TLS"],
            problem.Problems);
    }

    [Fact]
    public void TheServerCertificateAndClientCasAreLoaded()
    {
        var authority = TestCertificates.CreateAuthority("CN=Test CA");
        var server = TestCertificates.CreateServer(authority);
        TestCertificates.WritePem(authority, Path.Combine(_directory, "ca.pem"));
        TestCertificates.WritePem(server, Path.Combine(_directory, "server.pem"), Path.Combine(_directory, "server.key"));

        var ssl = Load(s =>
        {
            s["SSL_CLIENT_CA_FILE"] = Path.Combine(_directory, "ca.pem");
            s["SSL_CERTIFICATE"] = Path.Combine(_directory, "server.pem");
            s["SSL_KEY"] = Path.Combine(_directory, "server.key");
        }).Ssl;

        Assert.Equal(authority.Thumbprint, Assert.Single(ssl.ClientCas!).Thumbprint);
        Assert.Equal(server.Thumbprint, ssl.ServerCertificate!.Thumbprint);
        Assert.True(ssl.ServerCertificate.HasPrivateKey);
    }

    [Theory]
    [InlineData("CN=alice,OU=Packagers,O=Example Org,C=US", "CN=alice,OU=Packagers,O=Example Org,C=US")]
    [InlineData("C=US,O=Example Org,CN=alice", "C=US,O=Example Org,CN=alice")]
    [InlineData("CN=\"Smith, John\",O=Example", @"CN=Smith\, John,O=Example")]
    [InlineData("CN=\"a+b;c<d>e\"\"f\",DC=example,DC=com", @"CN=a\+b\;c\<d\>e\""f,DC=example,DC=com")]
    [InlineData("CN=\"#1 \",E=alice@example.com", @"CN=\#1\ ,emailAddress=alice@example.com")]
    public void SubjectsAreWrittenAsRfc4514Says(string subject, string expected)
    {
        Assert.Equal(expected, SubjectDn.Format(new X500DistinguishedName(subject)));
    }
}
