using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Cli.Tests;

/// <summary>The upstream invocation without a subcommand: same options, checks, messages and exit status.</summary>
public sealed class UpstreamFormTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly CliHarness _cli = new();
    private readonly string _config;

    public UpstreamFormTests()
    {
        _config = _cli.DummyConfig(_server.Url + "/api/v1.0");
        _server.Given(Request.Create().WithPath("/api/v1.0/waivers/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody(request => CreatedFrom(request.Body!)));
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task TheUpstreamExampleCreatesOneWaiverAndSaysSo()
    {
        var run = await _cli.RunAsync($"""-C {_config} -t dist.rpmdeplint -i qclib-1.3.1-3.fc28 -T koji_build -p fedora-28 -c "This is expected" """);

        Assert.Equal((0, string.Empty), (run.ExitCode, run.Error));
        Assert.Equal("Created waiver 101 for result with subject type koji_build, identifier qclib-1.3.1-3.fc28 and testcase dist.rpmdeplint\n", run.Output);
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("Basic dXNlcjpwYXNz", request.Headers!["Authorization"].Single());
        Assert.Equal(
            """[{"subject_type":"koji_build","subject_identifier":"qclib-1.3.1-3.fc28","testcase":"dist.rpmdeplint","product_version":"fedora-28","comment":"This is expected","waived":true}]""",
            request.Body);
    }

    [Fact]
    public async Task ResultIdsCreateOneWaiverEachAndNameTheirIds()
    {
        var run = await _cli.RunAsync($"""-C {_config} -r 47 -r 48 -p fedora-28 -c "This is fine" --no-waived -u packager""");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("Created waiver 101 for result with id 47\nCreated waiver 102 for result with id 48\n", run.Output);
        Assert.Equal(
            """[{"result_id":47,"product_version":"fedora-28","comment":"This is fine","waived":false,"username":"packager"},{"result_id":48,"product_version":"fedora-28","comment":"This is fine","waived":false,"username":"packager"}]""",
            _server.LogEntries.Single().RequestMessage.Body);
    }

    [Theory]
    [InlineData("-i x-1-1.fc28 -T koji_build -t t", "Please specify comment")]
    [InlineData("-r 1 -t t -p fedora-28 -c c", "Please specify result_id or id/type/testcase. Not both")]
    [InlineData("-r 1 -i x-1-1.fc28 -p fedora-28 -c c", "Please specify result_id or id/type/testcase. Not both")]
    [InlineData("-T koji_build -t t -c c", "Please specify subject-identifier")]
    [InlineData("-i x-1-1.fc28 -T koji_build -c c", "Please specify testcase")]
    [InlineData("-i x-1-1.fc28 -t t -c c", "Please specify subject_type")]
    [InlineData("-i x-1-1.foo -T koji_build -t t -c c", "Please specify product version using --product-version")]
    [InlineData("-r 1 -c c", "Please specify product version using --product-version")]
    [InlineData("""-s '{"type": "koji_build"' -t t -c c""", "Invalid JSON object: ")]
    [InlineData("""-s '["x"]' -t t -c c""", "Failed to parse JSON. Please use id and type instead of using subject.")]
    [InlineData("""-s '{"type": "koji_build", "item": "x-1-1.fc28"}' -i x -t t -c c""", "Please don't specify subject when using identifier and type.")]
    [InlineData("""-s '{"type": "koji_build", "item": "x-1-1.fc28"}' -r 1 -c c""", "Please specify result_id or subject/testcase. Not both")]
    public async Task UpstreamChecksRefuseWithUpstreamMessagesAndStatusOneBeforeSendingAnything(string arguments, string message)
    {
        var run = await _cli.RunAsync($"-C {_config} {arguments}");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Error: " + message, run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
    }

    [Theory]
    [InlineData("-T koji_build -i qclib-1.3.1-3.fc28", "fedora-28")]
    [InlineData("-T koji_build -i bash-5.1-2.el8", "rhel-8")]
    [InlineData("-T koji_build -i bash-5.1-2.epel8", "epel-8")]
    [InlineData("-T koji_build -i bash-5.1-2.rawhide", "fedora-rawhide")]
    [InlineData("-T compose -i Fedora-28-20180101.n.0", "fedora-28")]
    [InlineData("-T compose -i Fedora-Rawhide-20180101.n.0", "fedora-rawhide")]
    [InlineData("""-s '{"productmd.compose.id": "Fedora-27-20171110.n.1"}'""", "fedora-27")]
    public async Task TheProductVersionIsGuessedFromTheSubject(string subject, string productVersion)
    {
        var run = await _cli.RunAsync($"-C {_config} {subject} -t dist.rpmdeplint -c guessed");

        Assert.Equal(0, run.ExitCode);
        var body = JsonNode.Parse(_server.LogEntries.Single().RequestMessage.Body!)!;
        Assert.Equal(productVersion, (string?)body[0]!["product_version"]);
    }

    [Fact]
    public async Task AServerRefusalShowsTheServersMessage()
    {
        _server.Reset();
        _server.Given(Request.Create().WithPath("/api/v1.0/waivers/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json")
                .WithBody("""{"message": "user user does not have the proxyuser ability"}"""));

        var run = await _cli.RunAsync($"""-C {_config} -i x-1-1.fc28 -T koji_build -t t -c c -u packager""");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Failed to create waivers: user user does not have the proxyuser ability\n", run.Error);
    }

    [Fact]
    public async Task ValidationErrorsFromTheServerListTheirFields()
    {
        _server.Reset();
        _server.Given(Request.Create().WithPath("/api/v1.0/waivers/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"message": "0.testcase: String should have at most 8192 characters", "validation_error": [{"loc": [0, "testcase"], "msg": "String should have at most 8192 characters", "type": "string_too_long"}]}"""));

        var run = await _cli.RunAsync($"""-C {_config} -i x-1-1.fc28 -T koji_build -t t -c c""");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Failed to create waivers: 0.testcase: String should have at most 8192 characters\n", run.Error);
    }

    [Fact]
    public async Task AnUnreachableServerIsStatusThreeAndSaysWhatWasTried()
    {
        var closed = _cli.DummyConfig("http://127.0.0.1:9/api/v1.0");

        var run = await _cli.RunAsync($"""-C {closed} -i x-1-1.fc28 -T koji_build -t t -c c""");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("Error: Could not reach WaiverDB at http://127.0.0.1:9/api/v1.0/waivers/: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSharedValidatorsRefuseWhatTheServerWouldBeforeSending()
    {
        var longScenario = new string('s', 256);

        var run = await _cli.RunAsync($"""-C {_config} -i x-1-1.fc28 -T koji_build -t t -S {longScenario} -c c""");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Invalid waiver: scenario: String should have at most 255 characters\n", run.Error);
        Assert.Empty(_server.LogEntries);
    }

    /// <summary>Plays the service: ids from 101 on, fields echoed from the request list.</summary>
    private static string CreatedFrom(string body)
    {
        var created = new JsonArray();
        var id = 101;
        foreach (var item in JsonNode.Parse(body)!.AsArray())
        {
            created.Add(new JsonObject
            {
                ["id"] = id++,
                ["subject_type"] = (string?)item!["subject_type"] ?? "koji_build",
                ["subject_identifier"] = (string?)item["subject_identifier"] ?? "from-resultsdb-1-1.fc28",
                ["subject"] = new JsonObject(),
                ["testcase"] = (string?)item["testcase"] ?? "from.resultsdb",
                ["scenario"] = null,
                ["username"] = "user",
                ["proxied_by"] = null,
                ["product_version"] = (string?)item["product_version"],
                ["waived"] = (bool?)item["waived"] ?? true,
                ["comment"] = (string?)item["comment"],
                ["timestamp"] = "2026-11-26T10:00:00.000000",
            });
        }

        return created.ToJsonString();
    }
}
