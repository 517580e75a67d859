using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace WaiverDb.Cli.Tests;

/// <summary>
/// auth_method = OIDC: WireMock plays the identity provider (discovery, token and device
/// authorization endpoints, over https as MSAL requires) and the service.
/// </summary>
public sealed class OidcLoginTests : IDisposable
{
    private const string AccessToken = "at-issued-by-the-provider";

    private readonly X509Certificate2 _certificate = SelfSignedCertificate();
    private readonly WireMockServer _idp;
    private readonly WireMockServer _service = WireMockServer.Start();
    private readonly CliHarness _cli = new();

    public OidcLoginTests()
    {
        _idp = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = _certificate },
        });

        // The tool trusts the test provider's own certificate, and no other.
        _cli.HttpHandler = () => new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == _certificate.GetCertHashString() },
        };
        _cli.Environment["XDG_CACHE_HOME"] = CacheHome;
        _idp.Given(Request.Create().WithPath("/openidc/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""
                {
                  "issuer": "{{Issuer}}",
                  "authorization_endpoint": "{{Issuer}}/Authorization",
                  "token_endpoint": "{{Issuer}}/Token",
                  "device_authorization_endpoint": "{{Issuer}}/Device",
                  "jwks_uri": "{{Issuer}}/Jwks",
                  "response_types_supported": ["code"],
                  "subject_types_supported": ["public"],
                  "id_token_signing_alg_values_supported": ["RS256"]
                }
                """));
        _service.Given(Request.Create().WithPath("/api/v1.0/about").UsingGet().WithHeader("Authorization", "Bearer " + AccessToken))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("""{"version": "1.2.3", "auth_method": "OIDC"}"""));
    }

    private string Issuer => _idp.Url + "/openidc";

    private string CacheHome { get; } = Path.Combine(Path.GetTempPath(), "waiverdb-cli-test-cache-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        _idp.Stop();
        _idp.Dispose();
        _service.Stop();
        _service.Dispose();
        _cli.Dispose();
        _certificate.Dispose();
        if (Directory.Exists(CacheHome))
        {
            Directory.Delete(CacheHome, recursive: true);
        }
    }

    [Fact]
    public async Task OidcWithAClientSecretUsesClientCredentialsAndSendsTheBearerToken()
    {
        AnswerTokens();
        var config = OidcConfig(secret: "s3cret");

        var run = await _cli.RunAsync($"about -C {config}");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(string.Empty, run.Error);
        var token = Assert.Single(TokenRequests());
        var form = Form(token);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("waiverdb", form["client_id"]);
        Assert.Equal("s3cret", form["client_secret"]);
        Assert.Equal("openid https://waiverdb.example/oidc/create-waiver", form["scope"]);
        var request = Assert.Single(_service.LogEntries).RequestMessage;
        Assert.Equal("Bearer " + AccessToken, request.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task AProviderWrittenWithATrailingSlashIsTheSameIssuer()
    {
        // Upstream's Fedora client.conf has oidc_id_provider = https://id.fedoraproject.org/openidc/
        AnswerTokens();
        var config = OidcConfig(secret: "s3cret", provider: Issuer + "/");

        var run = await _cli.RunAsync($"about -C {config}");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Single(TokenRequests());
    }

    [Fact]
    public async Task ASecondRunTakesTheTokenFromTheCacheOnlyTheUserCanRead()
    {
        AnswerTokens();
        var config = OidcConfig(secret: "s3cret");

        var first = await _cli.RunAsync($"about -C {config}");
        var second = await _cli.RunAsync($"about -C {config}");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Single(TokenRequests());
        Assert.Equal(2, _service.LogEntries.Count());
        var file = Path.Combine(CacheHome, "waiverdb", "oidc-client-token-cache.json");
        Assert.Contains(AccessToken, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task ReloginForgetsTheCachedToken()
    {
        AnswerTokens();
        var config = OidcConfig(secret: "s3cret");

        await _cli.RunAsync($"about -C {config}");
        var run = await _cli.RunAsync($"about -C {config} --relogin");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, TokenRequests().Count);
    }

    [Fact]
    public async Task DeviceCodeLoginPollsUntilTheUserHasLoggedIn()
    {
        _idp.Given(Request.Create().WithPath("/openidc/Device").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""
                {"device_code": "dc-1", "user_code": "ABCD-EFGH", "verification_uri": "{{Issuer}}/device", "expires_in": 600, "interval": 1}
                """));
        var devicePoll = Request.Create().WithPath("/openidc/Token").UsingPost().WithBody(new WildcardMatcher("grant_type=urn*"));
        _idp.Given(devicePoll).InScenario("device").WillSetStateTo("logged in")
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error": "authorization_pending"}"""));
        _idp.Given(devicePoll).InScenario("device").WhenStateIs("logged in").RespondWith(TokenResponse());
        _idp.Given(Request.Create().WithPath("/openidc/Token").UsingPost().WithBody(new RegexMatcher("grant_type=refresh_token")))
            .RespondWith(TokenResponse());
        var config = OidcConfig(secret: null);

        var run = await _cli.RunAsync($"about -C {config} --device-code");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal($"To log in, open {Issuer}/device and enter the code ABCD-EFGH\n", run.Error);
        var device = Form(Assert.Single(_idp.LogEntries, e => e.RequestMessage.Path == "/openidc/Device"));
        Assert.Equal("waiverdb", device["client_id"]);
        Assert.Equal("openid https://waiverdb.example/oidc/create-waiver profile offline_access", device["scope"]);
        var tokens = TokenRequests().Select(Form).ToList();
        Assert.Equal(3, tokens.Count);
        Assert.All(tokens[..2], form => Assert.Equal("urn:ietf:params:oauth:grant-type:device_code", form["grant_type"]));
        Assert.All(tokens[..2], form => Assert.Equal("dc-1", form["device_code"]));
        Assert.All(tokens[..2], form => Assert.Equal("waiverdb", form["client_id"]));

        // The refresh token is redeemed through MSAL, which keeps the login in its cache.
        Assert.Equal("refresh_token", tokens[2]["grant_type"]);
        Assert.Equal("rt-1", tokens[2]["refresh_token"]);
        var request = Assert.Single(_service.LogEntries).RequestMessage;
        Assert.Equal("Bearer " + AccessToken, request.Headers!["Authorization"].Single());

        // Logged in once: the next run asks the provider nothing.
        var second = await _cli.RunAsync($"about -C {config}");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(string.Empty, second.Error);
        Assert.Equal(3, TokenRequests().Count);
        var file = Path.Combine(CacheHome, "waiverdb", "oidc-token-cache.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task ARefusedClientSecretIsOneErrorLineAndStatusThree()
    {
        _idp.Given(Request.Create().WithPath("/openidc/Token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error": "invalid_client", "error_description": "Invalid client secret"}"""));
        var config = OidcConfig(secret: "wrong");

        var run = await _cli.RunAsync($"about -C {config}");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"Error: OIDC login at {Issuer}", run.Error, StringComparison.Ordinal);
        Assert.Contains("invalid_client", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Empty(_service.LogEntries);
    }

    [Fact]
    public async Task AProviderThatCannotBeReachedIsOneErrorLineAndStatusThree()
    {
        var config = OidcConfig(secret: "s3cret", provider: "https://127.0.0.1:9/openidc");

        var run = await _cli.RunAsync($"about -C {config}");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Empty(_service.LogEntries);
    }

    [Fact]
    public async Task ATokenTheServerRefusesGivesAHintToLogInAgain()
    {
        AnswerTokens();
        _service.Given(Request.Create().WithPath("/api/v1.0/waivers/7").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"message": "Authentication failed (OIDC: the token has expired)"}"""));
        var config = OidcConfig(secret: "s3cret");

        var run = await _cli.RunAsync($"get 7 -C {config}");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal(
            "Error: Failed to get waiver 7: Authentication failed (OIDC: the token has expired) — the server refused the OIDC token; log in again with --relogin\n",
            run.Error);
    }

    private string OidcConfig(string? secret, string? provider = null) =>
        _cli.Config($"""
            [waiverdb]
            api_url = {_service.Url}/api/v1.0
            auth_method = OIDC
            oidc_id_provider = {provider ?? Issuer}
            oidc_client_id = waiverdb
            {(secret is null ? string.Empty : "oidc_client_secret = " + secret)}
            oidc_scopes =
                openid
                https://waiverdb.example/oidc/create-waiver
            """);

    /// <summary>The client-credentials answer: an access token, no refresh or ID token (RFC 6749 4.4.3).</summary>
    private void AnswerTokens() =>
        _idp.Given(Request.Create().WithPath("/openidc/Token").UsingPost()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"access_token": "{{AccessToken}}", "token_type": "Bearer", "expires_in": 3600}"""));

    /// <summary>A user's tokens, as after a login.</summary>
    private IResponseBuilder TokenResponse()
    {
        // MSAL reads the ID token's claims for the cached account; it does not check its signature.
        static string Part(object value) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var idToken = Part(new { alg = "RS256", typ = "JWT" }) + "." + Part(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["sub"] = "packager-sub", ["aud"] = "waiverdb", ["iat"] = now, ["exp"] = now + 3600,
            ["preferred_username"] = "packager",
        }) + ".c2lnbmF0dXJl";
        return Response.Create().WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = AccessToken, ["token_type"] = "Bearer", ["expires_in"] = 3600,
            ["refresh_token"] = "rt-1", ["id_token"] = idToken, ["scope"] = "openid https://waiverdb.example/oidc/create-waiver",
        }));
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel wants a certificate whose key it can load, as from a PFX file.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private List<ILogEntry> TokenRequests() => [.. _idp.LogEntries.Where(e => e.RequestMessage.Path == "/openidc/Token")];

    private static Dictionary<string, string> Form(ILogEntry entry) =>
        (entry.RequestMessage.Body ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(
                pair => Uri.UnescapeDataString(pair[0].Replace('+', ' ')),
                pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1].Replace('+', ' ') : string.Empty));
}
