using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Cli.Tests;

/// <summary><c>waiverdb-cli admin ...</c>: the exact requests, the output and the exit statuses, with WireMock playing the service.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private const string Audit = """
        {"id": 7, "action": "revoke", "admin": "root", "reason": "wrong build", "timestamp": "2026-11-26T10:00:00.000000",
         "waiver_id": 12, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27", "testcase": "dist.rpmdeplint",
         "scenario": null, "product_version": "fedora-27", "revocation_id": 13}
        """;

    private const string Revocation = """
        {"id": 13, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
         "subject": {"type": "koji_build", "item": "glibc-2.26-27.fc27"}, "testcase": "dist.rpmdeplint", "scenario": null,
         "username": "root", "proxied_by": null, "product_version": "fedora-27", "waived": false,
         "comment": "Revoked by root: wrong build", "timestamp": "2026-11-26T10:00:00.000000"}
        """;

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly CliHarness _cli = new();
    private readonly string _config;

    public AdminCommandTests() => _config = _cli.DummyConfig(_server.Url + "/api/v1.0", "root");

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public async Task RevokePostsTheReasonAndSaysWhichWaiverRecordsTheRevocation()
    {
        Answer("/api/v1.0/admin/waivers/12/revoke", "POST", 200, $$"""{"audit": {{Audit}}, "waiver": {{Revocation}}}""");

        var run = await _cli.RunAsync($"""admin revoke 12 --reason "wrong build" -C {_config}""");

        Assert.Equal((0, string.Empty), (run.ExitCode, run.Error));
        Assert.Equal("Revoked waiver 12: waiver 13 records waived: false (audit entry 7)\n", run.Output);
        var request = _server.LogEntries.Single().RequestMessage;
        Assert.Equal(("POST", """{"reason":"wrong build"}"""), (request.Method, request.Body));
        Assert.StartsWith("Basic ", request.Headers!["Authorization"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveSendsDeleteWithTheReasonAndJsonPrintsTheAnswer()
    {
        var removed = Audit.Replace("\"revoke\"", "\"remove\"", StringComparison.Ordinal).Replace("\"revocation_id\": 13", "\"revocation_id\": null", StringComparison.Ordinal);
        Answer("/api/v1.0/admin/waivers/12", "DELETE", 200, $$"""{"audit": {{removed}}, "waiver": null}""");

        var text = await _cli.RunAsync($"admin remove 12 -r spam -C {_config}");
        var json = await _cli.RunAsync($"admin remove 12 -r spam -C {_config} --json");

        Assert.Equal((0, "Removed waiver 12 (audit entry 7)\n"), (text.ExitCode, text.Output));
        Assert.Equal(0, json.ExitCode);
        var answer = System.Text.Json.Nodes.JsonNode.Parse(json.Output)!;
        Assert.Equal(("remove", 12), ((string?)answer["audit"]!["action"], (int)answer["audit"]!["waiver_id"]!));
        Assert.All(_server.LogEntries, e => Assert.Equal(("DELETE", """{"reason":"spam"}"""), (e.RequestMessage.Method, e.RequestMessage.Body)));
    }

    [Theory]
    [InlineData(403, """{"message": "User root is not an administrator (ADMINS)"}""", 1, "Error: Failed to revoke waiver 12: User root is not an administrator (ADMINS)\n")]
    [InlineData(404, """{"message": "Waiver 12 not found"}""", 1, "Error: Failed to revoke waiver 12: Waiver 12 not found\n")]
    [InlineData(409, """{"message": "Waiver 12 is obsolete: waiver 14 replaces it; revoke waiver 14 instead"}""", 1,
        "Error: Failed to revoke waiver 12: Waiver 12 is obsolete: waiver 14 replaces it; revoke waiver 14 instead\n")]
    [InlineData(401, """{"message": "Authentication required"}""", 3, "Error: Failed to revoke waiver 12: Authentication required\n")]
    public async Task RefusalsPrintTheServersMessageWithTheirExitStatus(int status, string body, int exitCode, string error)
    {
        Answer("/api/v1.0/admin/waivers/12/revoke", "POST", status, body);

        var run = await _cli.RunAsync($"admin revoke 12 --reason x -C {_config}");

        Assert.Equal((exitCode, error, string.Empty), (run.ExitCode, run.Error, run.Output));
    }

    [Theory]
    [InlineData("admin revoke 12")]
    [InlineData("admin remove 12")]
    [InlineData("admin remove 12 --reason \"  \"")]
    public async Task AReasonIsRequiredBeforeAnythingIsSent(string arguments)
    {
        var run = await _cli.RunAsync($"{arguments} -C {_config}");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--reason", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task AuditShowsATableAndFollowsPagesWithAll()
    {
        var next = _server.Url + "/api/v1.0/admin/audit?page=2&limit=1";
        _server.Given(Request.Create().WithPath("/api/v1.0/admin/audit").WithParam("page", "1").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"data": [{{Audit}}], "total": 2, "prev": null, "next": "{{next}}", "first": null, "last": null}"""));
        _server.Given(Request.Create().WithPath("/api/v1.0/admin/audit").WithParam("page", "2").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"data": [{{Audit.Replace("\"id\": 7", "\"id\": 6", StringComparison.Ordinal)}}], "total": 2, "prev": null, "next": null, "first": null, "last": null}"""));

        var run = await _cli.RunAsync($"admin audit --limit 1 --all --waiver-id 12 -C {_config}");

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID  TIMESTAMP", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("7   2026-11-26T10:00:00.000000  revoke  root", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("6 ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("wrong build", lines[1], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Equal("?page=1&limit=1&waiver_id=12", _server.LogEntries.First().RequestMessage.RawQuery);
    }

    private void Answer(string path, string method, int status, string body) =>
        _server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
}
