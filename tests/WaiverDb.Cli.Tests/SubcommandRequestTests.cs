using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Cli.Tests;

/// <summary>The exact requests the subcommands send, with WireMock playing the service.</summary>
public sealed class SubcommandRequestTests : IDisposable
{
    private const string Empty = """{"data": [], "prev": null, "next": null, "first": null, "last": null}""";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly CliHarness _cli = new();
    private readonly string _config;

    public SubcommandRequestTests() => _config = _cli.DummyConfig(_server.Url + "/api/v1.0");

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task ListSendsEveryFilterAsTheQueryString()
    {
        Answer("/api/v1.0/waivers/", Empty);

        var run = await _cli.RunAsync(
            $"list -C {_config} -T koji_build -i 'bash-5.2 1.fc40' -t dist.x -S x86_64 -p fedora-40 -u alice --proxied-by bodhi --since 2024-01-01,2024-02-01 --include-obsolete --page 2 --limit 5");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            "/api/v1.0/waivers/?subject_type=koji_build&subject_identifier=bash-5.2%201.fc40&testcase=dist.x&scenario=x86_64"
            + "&product_version=fedora-40&username=alice&proxied_by=bodhi&since=2024-01-01%2C2024-02-01&include_obsolete=true&page=2&limit=5",
            _server.LogEntries.Single().RequestMessage.Path + _server.LogEntries.Single().RequestMessage.RawQuery);
    }

    [Fact]
    public async Task AnInvalidSinceIsRefusedBeforeAnyRequest()
    {
        var run = await _cli.RunAsync($"list -C {_config} --since yesterday");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Error: Invalid filter: since: Invalid isoformat string: 'yesterday'\n", run.Error);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task FilterSendsOneFilterPerOption()
    {
        Answer("/api/v1.0/waivers/?filtered", """{"data": []}""", post: true);

        var run = await _cli.RunAsync(
            $"filter -C {_config} -f subject_type=koji_build,subject_identifier=gzip-1.9-1.fc28,testcase=dist.rpmlint -f testcase=dist.abicheck --include-obsolete");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
            """{"filters":[{"subject_type":"koji_build","subject_identifier":"gzip-1.9-1.fc28","testcase":"dist.rpmlint"},{"testcase":"dist.abicheck"}],"include_obsolete":true}""",
            _server.LogEntries.Single().RequestMessage.Body);
    }

    [Fact]
    public async Task FilterReadsAJsonDocumentFromStdin()
    {
        Answer("/api/v1.0/waivers/?filtered", """{"data": []}""", post: true);

        var run = await _cli.RunAsync($"filter -C {_config} --file -", """[{"testcase": "dist.rpmdeplint", "since": "2024-01-01"}]""");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("""{"filters":[{"testcase":"dist.rpmdeplint","since":"2024-01-01"}]}""", _server.LogEntries.Single().RequestMessage.Body);
    }

    [Theory]
    [InlineData("-f testcase", "Invalid filter 'testcase': expected key=value pairs")]
    [InlineData("-f colour=blue", "Invalid filter 'colour=blue'")]
    [InlineData("", "Give at least one --filter key=value,... (or --file)")]
    public async Task BadFiltersAreUsageErrors(string arguments, string message)
    {
        var run = await _cli.RunAsync($"filter -C {_config} {arguments}");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("Error: " + message, run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task AMissingWaiverIsRefusedWithTheServersMessage()
    {
        _server.Given(Request.Create().WithPath("/api/v1.0/waivers/7").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"message": "Waiver not found"}"""));

        var run = await _cli.RunAsync($"get 7 -C {_config}");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Failed to get waiver 7: Waiver not found\n", run.Error);
    }

    [Fact]
    public async Task AServerErrorThatIsNotJsonIsShownAndIsStatusThree()
    {
        _server.Given(Request.Create().WithPath("/api/v1.0/about").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(502).WithBody("<html>Bad Gateway</html>"));

        var run = await _cli.RunAsync($"about -C {_config}");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("Error: Failed to read the server's version: <html>Bad Gateway</html>\n", run.Error);
    }

    /// <summary>Answers <paramref name="path"/> (a WireMock wildcard pattern: '?' matches the '+' of +filtered).</summary>
    private void Answer(string path, string body, bool post = false)
    {
        var request = Request.Create().WithPath(path);
        _server.Given(post ? request.UsingPost() : request.UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(body));
    }
}
