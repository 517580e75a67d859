using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Cli.Tests;

/// <summary>client.conf as upstream reads it, where it is looked for, and what overrides it.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly CliHarness _cli = new();

    public ConfigurationTests() =>
        _server.Given(Request.Create().WithPath("/api/v1.0/about").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("""{"version": "1.2.3", "auth_method": "OIDC"}"""));

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _cli.Dispose();
    }

    [Theory]
    [InlineData("[waiverdb]\napi_url = http://x\n", "The config option \"auth_method\" is required")]
    [InlineData("[waiverdb]\napi_url = http://x\nauth_method = basic\n", "The WaiverDB authentication mechanism of \"basic\" is not supported")]
    [InlineData("[waiverdb]\nauth_method = dummy\n", "The config option \"api_url\" is required")]
    [InlineData("[waiverdb]\napi_url = http://x\nauth_method = OIDC\noidc_client_id = waiverdb\noidc_scopes = openid\n", "The config option \"oidc_id_provider\" is required")]
    [InlineData("[other]\napi_url = http://x\nauth_method = dummy\n", "The config option \"auth_method\" is required")]
    [InlineData("[waiverdb]\napi_url = ftp://x\nauth_method = dummy\n", "The config option \"api_url\" must be an http(s) URL")]
    public async Task MissingOrWrongOptionsFailLikeUpstream(string contents, string message)
    {
        var config = _cli.Config(contents);

        var upstream = await _cli.RunAsync($"-C {config} -i x-1-1.fc28 -T koji_build -t t -c c");
        var subcommand = await _cli.RunAsync($"about -C {config}");

        Assert.Equal(1, upstream.ExitCode);
        Assert.StartsWith("Error: " + message, upstream.Error, StringComparison.Ordinal);
        Assert.Equal(2, subcommand.ExitCode);
        Assert.StartsWith("Error: " + message, subcommand.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfigFileThatDoesNotExistIsAUsageError()
    {
        var run = await _cli.RunAsync("about -C /nonexistent/client.conf");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Error: Invalid value for '--config-file' / '-C': Path '/nonexistent/client.conf' does not exist.\n", run.Error);
    }

    [Fact]
    public async Task TheUsersXdgConfigIsFoundWithoutDashC()
    {
        var path = _cli.Config($"[waiverdb]\napi_url = {_server.Url}/api/v1.0\nauth_method = dummy\n", "xdg/waiverdb/client.conf");
        _cli.Environment["XDG_CONFIG_HOME"] = Path.GetDirectoryName(Path.GetDirectoryName(path));

        var run = await _cli.RunAsync("about");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"api_url: {_server.Url}/api/v1.0/\nversion: 1.2.3\nauth_method: OIDC\n", run.Output);
    }

    [Fact]
    public async Task EnvironmentAndApiUrlOptionOverrideTheFile()
    {
        var config = _cli.Config("[waiverdb]\napi_url = http://127.0.0.1:9/api/v1.0\nauth_method = OIDC\n");
        _cli.Environment["WAIVERDB_AUTH_METHOD"] = "dummy";
        _cli.Environment["WAIVERDB_API_URL"] = "http://127.0.0.1:9/elsewhere";

        var run = await _cli.RunAsync($"about --json -C {config} --api-url {_server.Url}/api/v1.0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("""{"version":"1.2.3","auth_method":"OIDC"}""" + "\n", run.Output);
    }

    [Fact]
    public void MultiLineValuesAndCommentsAreReadAsConfigparserDoes()
    {
        var values = ClientConfig.ReadSection(
            """
            # comment
            [waiverdb]
            api_url: https://waiverdb.example/api/v1.0
            ; another comment
            oidc_scopes =
                openid
                https://waiverdb.example/oidc/create-waiver
            AUTH_METHOD = OIDC
            [other]
            api_url = http://wrong
            """.Split('\n'), "waiverdb");

        Assert.Equal("https://waiverdb.example/api/v1.0", values["api_url"]);
        Assert.Equal("openid\nhttps://waiverdb.example/oidc/create-waiver", values["oidc_scopes"]);
        Assert.Equal("OIDC", values["auth_method"]);
        Assert.Equal(3, values.Count);
    }

    [Fact]
    public async Task OidcLogsInBeforeTheFirstRequestAndSendsNothingWithoutAToken()
    {
        // Nothing listens on port 9: the login fails, and the service is not asked anything.
        var config = _cli.Config($"[waiverdb]\napi_url = {_server.Url}/api/v1.0\nauth_method = OIDC\noidc_id_provider = https://127.0.0.1:9/openidc\noidc_client_id = waiverdb\noidc_client_secret = s\noidc_scopes = openid\n");
        _cli.Environment["XDG_CACHE_HOME"] = Path.GetDirectoryName(config);

        var run = await _cli.RunAsync($"about -C {config}");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("https://127.0.0.1:9/openidc", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
    }

    [Theory]
    [InlineData("list --page x")]
    [InlineData("get")]
    [InlineData("list --no-such-option")]
    public async Task ParseErrorsAreStatusTwoWithAPointerToHelp(string arguments)
    {
        var run = await _cli.RunAsync(arguments);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("Error: ", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("Try 'waiverdb-cli --help' for help.\n", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help", "Without a subcommand it creates waivers")]
    [InlineData("create --help", "waiverdb-cli create -r 47 -r 48")]
    [InlineData("list --help", "--include-obsolete")]
    [InlineData("filter --help", "waiverdb-cli filter -f subject_type=koji_build")]
    [InlineData("permissions --help", "--testcase")]
    [InlineData("get --help", "waiverdb-cli get 15")]
    public async Task EveryCommandHasHelpWithExamples(string arguments, string expected)
    {
        var run = await _cli.RunAsync(arguments);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionPrintsTheToolsVersion()
    {
        var run = await _cli.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("1.0.0", run.Output, StringComparison.Ordinal);
    }
}
