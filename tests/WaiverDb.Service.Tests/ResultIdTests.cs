using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace WaiverDb.Service.Tests;

/// <summary>The legacy <c>result_id</c> input, against a fake ResultsDB.</summary>
public sealed class ResultIdTests : ServiceFixture
{
    private const string ApiPath = "/api/v2.0";
    private const string FailurePrefix = "Failed looking up result in Resultsdb: ";
    private readonly WireMockServer _resultsDb = WireMockServer.Start();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["RESULTSDB_API_URL"] = _resultsDb.Url + ApiPath;
        // Long enough for a loaded machine; the slow-ResultsDB test waits this long once.
        settings["RESULTSDB_TIMEOUT"] = 3;
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "users": ["alice"]}]""");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _resultsDb.Stop();
        _resultsDb.Dispose();
    }

    private void Result(int id, string json, int status = 200, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);
        if (delay is { } wait)
        {
            response = response.WithDelay(wait);
        }

        _resultsDb.Given(Request.Create().WithPath($"{ApiPath}/results/{id.ToString(CultureInfo.InvariantCulture)}").UsingGet())
            .RespondWith(response);
    }

    private static JsonObject ByResult(JsonNode resultId, Action<JsonObject>? change = null)
    {
        var body = new JsonObject { ["result_id"] = resultId, ["product_version"] = "fedora-27", ["comment"] = "Known flake" };
        change?.Invoke(body);
        return body;
    }

    /// <summary>The paths ResultsDB was asked for.</summary>
    private string[] RequestedPaths() =>
        [.. _resultsDb.LogEntries.Select(e => $"{e.RequestMessage.Method} {e.RequestMessage.Path}")];

    private async Task<JsonNode> RefusedAsync(JsonNode body, HttpStatusCode expected)
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(body);

        Assert.True(status == expected, $"{(int)status}: {error.ToJsonString()}");
        Assert.Equal(before, await CountWaiversAsync());
        return error;
    }

    [Fact]
    public async Task AFoundResultGivesTheWaiverItsSubjectTestcaseAndScenario()
    {
        Result(1, """
            {"id": 1, "outcome": "FAILED", "testcase": {"name": "dist.rpmdeplint", "ref_url": "https://example.com"},
             "data": {"type": ["koji_build"], "item": ["glibc-2.26-27.fc27"], "scenario": ["x86_64"], "arch": ["x86_64"]}}
            """);

        var waiver = await CreateAsync(ByResult(1));

        Assert.Equal(["GET /api/v2.0/results/1"], RequestedPaths());
        AssertJson("""{"type": "koji_build", "item": "glibc-2.26-27.fc27"}""", waiver["subject"]);
        Assert.Equal(("koji_build", "glibc-2.26-27.fc27", "dist.rpmdeplint", "x86_64"),
            ((string?)waiver["subject_type"], (string?)waiver["subject_identifier"], (string?)waiver["testcase"], (string?)waiver["scenario"]));
        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal(("koji_build", "glibc-2.26-27.fc27", "dist.rpmdeplint", "x86_64", "alice", "fedora-27", "Known flake"),
            ((string?)row["subject_type"], (string?)row["subject_identifier"], (string?)row["testcase"], (string?)row["scenario"],
             (string?)row["username"], (string?)row["product_version"], (string?)row["comment"]));
    }

    [Fact]
    public async Task AResultWithAnOriginalSpecNvrIsAKojiBuildWithoutScenario()
    {
        Result(2, """{"id": 2, "testcase": {"name": "dist.abicheck"}, "data": {"original_spec_nvr": ["gzip-1.9-1.fc28"]}}""");

        var waiver = await CreateAsync(ByResult(2));

        Assert.Equal(("koji_build", "gzip-1.9-1.fc28", "dist.abicheck"),
            ((string?)waiver["subject_type"], (string?)waiver["subject_identifier"], (string?)waiver["testcase"]));
        Assert.Null(waiver["scenario"]);
        Assert.Null((await StoredWaiverAsync((int)waiver["id"]!))["scenario"]);
    }

    [Fact]
    public async Task AResultAboutAComposeIsACompose()
    {
        Result(3, """{"id": 3, "testcase": {"name": "dist.compose"}, "data": {"productmd.compose.id": ["Fedora-28-20180101.n.0"]}}""");

        var waiver = await CreateAsync(ByResult(3));

        Assert.Equal(("compose", "Fedora-28-20180101.n.0"), ((string?)waiver["subject_type"], (string?)waiver["subject_identifier"]));
        AssertJson("""{"productmd.compose.id": "Fedora-28-20180101.n.0"}""", waiver["subject"]);
    }

    [Fact]
    public async Task AResultAboutABrewBuildIsStoredAsAKojiBuild()
    {
        Result(4, """{"id": 4, "testcase": {"name": "dist.brew"}, "data": {"type": ["brew-build"], "item": ["bash-5.1-1.el9"]}}""");

        var waiver = await CreateAsync(ByResult(4));

        Assert.Equal(("koji_build", "bash-5.1-1.el9"), ((string?)waiver["subject_type"], (string?)waiver["subject_identifier"]));
    }

    [Fact]
    public async Task AResultIdGivenAsAStringIsLookedUp()
    {
        Result(5, """{"id": 5, "testcase": {"name": "dist.string"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""");

        var waiver = await CreateAsync(ByResult("5"));

        Assert.Equal("dist.string", (string?)waiver["testcase"]);
        Assert.Equal(["GET /api/v2.0/results/5"], RequestedPaths());
    }

    [Fact]
    public async Task AResultIdMayBeProxiedAndWaivedFalse()
    {
        Result(6, """{"id": 6, "testcase": {"name": "dist.proxied"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""");
        var body = ByResult(6, b =>
        {
            b["username"] = "alice";
            b["waived"] = false;
        });

        var waiver = await CreateAsync(body, user: "bodhi");

        Assert.Equal(("alice", "bodhi", false), ((string?)waiver["username"], (string?)waiver["proxied_by"], (bool)waiver["waived"]!));
    }

    [Fact]
    public async Task TheTestcaseOfTheResultIsCheckedForPermission()
    {
        Result(7, """{"id": 7, "testcase": {"name": "other.suite"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""");

        var error = await RefusedAsync(ByResult(7), HttpStatusCode.Forbidden);

        AssertJson("""{"message": "User alice is not authorized to submit results for the test case other.suite"}""", error);
    }

    [Fact]
    public async Task AResultUnknownToResultsDbIsABadRequest()
    {
        Result(404, """{"message": "Result not found"}""", status: 404);

        var error = await RefusedAsync(ByResult(404), HttpStatusCode.BadRequest);

        Assert.Equal("Result 404 not found in Resultsdb", (string?)error["message"]);
        Assert.Equal(["GET /api/v2.0/results/404"], RequestedPaths());
    }

    [Fact]
    public async Task AResultWithoutASubjectOrTestcaseIsABadRequest()
    {
        Result(8, """{"id": 8, "testcase": {"name": "dist.x"}, "data": {"arch": ["x86_64"]}}""");
        Result(9, """{"id": 9, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""");

        var noSubject = await RefusedAsync(ByResult(8), HttpStatusCode.BadRequest);
        var noTestcase = await RefusedAsync(ByResult(9), HttpStatusCode.BadRequest);

        Assert.Equal("Result 8 in Resultsdb has no subject and test case a waiver can be recorded for", (string?)noSubject["message"]);
        Assert.Equal("Result 9 in Resultsdb has no subject and test case a waiver can be recorded for", (string?)noTestcase["message"]);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(401)]
    public async Task AResultsDbFailureIsServiceUnavailable(int failure)
    {
        Result(10, """{"message": "broken"}""", status: failure);

        var error = await RefusedAsync(ByResult(10), HttpStatusCode.ServiceUnavailable);

        Assert.StartsWith(FailurePrefix, (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains(failure.ToString(CultureInfo.InvariantCulture), (string?)error["message"], StringComparison.Ordinal);
        Assert.Null(error["validation_error"]);
    }

    [Fact]
    public async Task AnAnswerThatIsNotJsonIsServiceUnavailable()
    {
        Result(11, "<html>proxy error</html>");

        var error = await RefusedAsync(ByResult(11), HttpStatusCode.ServiceUnavailable);

        Assert.StartsWith(FailurePrefix, (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResultsDbSlowerThanItsTimeoutIsServiceUnavailable()
    {
        Result(12, """{"id": 12, "testcase": {"name": "dist.slow"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""",
            delay: TimeSpan.FromSeconds(60));

        // Had the timeout not applied, the result would arrive and the waiver be created (201).
        var error = await RefusedAsync(ByResult(12), HttpStatusCode.ServiceUnavailable);

        Assert.Equal(FailurePrefix + "no answer within 3 s", (string?)error["message"]);
    }

    [Fact]
    public async Task AListFailingOnItsSecondResultStoresNothing()
    {
        Result(13, """{"id": 13, "testcase": {"name": "dist.first"}, "data": {"type": ["koji_build"], "item": ["x-1.fc40"]}}""");
        Result(14, "{}", status: 404);

        var error = await RefusedAsync(new JsonArray(ByResult(13), ByResult(14)), HttpStatusCode.BadRequest);

        Assert.Equal("Result 14 not found in Resultsdb", (string?)error["message"]);
    }

    [Fact]
    public async Task AListMixingResultIdsAndSubjectsIsStoredInOrder()
    {
        Result(15, """{"id": 15, "testcase": {"name": "dist.fifteen"}, "data": {"type": ["koji_build"], "item": ["r15-1.fc40"]}}""");
        Result(16, """{"id": 16, "testcase": {"name": "dist.sixteen"}, "data": {"original_spec_nvr": ["r16-1.fc40"]}}""");

        var (status, answer) = await PostWaiversAsync(new JsonArray(ByResult(15), WaiverBody("plain-1.fc40"), ByResult(16)));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["dist.fifteen", "dist.rpmdeplint", "dist.sixteen"], answer.AsArray().Select(w => (string?)w!["testcase"]));
        Assert.Equal(["GET /api/v2.0/results/15", "GET /api/v2.0/results/16"], RequestedPaths().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnInvalidResultIdIsRefusedWithoutAskingResultsDb()
    {
        await RefusedAsync(ByResult(1, b => b["testcase"] = "dist.x"), HttpStatusCode.BadRequest);

        Assert.Empty(RequestedPaths());
    }
}
