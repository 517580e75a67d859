using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Cli.Tests;

/// <summary>
/// The real waiverdb-cli against the real service process (Kestrel on a loopback port) on a
/// real PostgreSQL: create, proxy create, list with paging, get, filter, about, permissions.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();
    private ServiceProcess _service = null!;
    private string _settings = string.Empty;
    private string _asPackager = string.Empty;
    private string _asBodhi = string.Empty;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync("waiverdb_cli");
        _settings = _cli.Config(new JsonObject
        {
            ["DATABASE_URI"] = postgres.Uri(database),
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
            ["SUPERUSERS"] = new JsonArray("bodhi"),
            ["ADMINS"] = new JsonArray("root"),
            ["PERMISSIONS"] = new JsonArray(new JsonObject
            {
                ["name"] = "fedora-ci",
                ["testcases"] = new JsonArray("dist.*"),
                ["users"] = new JsonArray("packager", "bodhi"),
            }),
        }.ToJsonString(), "settings.json");
        _service = ServiceProcess.Start(new Dictionary<string, string?> { ["WAIVERDB_CONFIG"] = _settings });
        await _service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        var api = _service.BaseAddress + "api/v1.0";
        _asPackager = _cli.DummyConfig(api, "packager");
        _asBodhi = _cli.Config($"[waiverdb]\napi_url = {api}\nauth_method = dummy\ndummy_user = bodhi\n", "bodhi.conf");
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _cli.Dispose();
    }

    [Fact]
    public async Task APackagerWaivesListsGetsAndFilters()
    {
        var created = await _cli.RunAsync($"""-C {_asPackager} -t dist.rpmdeplint -i qclib-1.3.1-3.fc28 -T koji_build -c "This is expected" """);
        Assert.Equal((0, string.Empty), (created.ExitCode, created.Error));
        var id = int.Parse(created.Output.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"Created waiver {id} for result with subject type koji_build, identifier qclib-1.3.1-3.fc28 and testcase dist.rpmdeplint\n", created.Output);

        var got = await _cli.RunAsync($"get {id} --json -C {_asPackager}");
        var waiver = JsonNode.Parse(got.Output)!;
        Assert.Equal(("packager", "fedora-28", true), ((string?)waiver["username"], (string?)waiver["product_version"], (bool)waiver["waived"]!));

        var filtered = await _cli.RunAsync($"filter -C {_asPackager} -f subject_identifier=qclib-1.3.1-3.fc28,testcase=dist.rpmdeplint");
        Assert.Equal(0, filtered.ExitCode);
        var lines = filtered.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID  SUBJECT TYPE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{id,-2}  koji_build    qclib-1.3.1-3.fc28  dist.rpmdeplint", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task AnAdministratorRevokesRemovesAndReadsTheAuditLog()
    {
        var asRoot = _cli.Config($"[waiverdb]\napi_url = {_service.BaseAddress}api/v1.0\nauth_method = dummy\ndummy_user = root\n", "root.conf");
        var ids = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            var created = await _cli.RunAsync($"""create -C {_asPackager} -t dist.admin -i admin-1.0-{i}.fc40 -T koji_build -c "oops" --json""");
            Assert.Equal(0, created.ExitCode);
            ids.Add((int)JsonNode.Parse(created.Output)![0]!["id"]!);
        }

        var refused = await _cli.RunAsync($"""admin revoke {ids[0]} --reason "not mine" -C {_asPackager}""");
        Assert.Equal((1, "Error: Failed to revoke waiver " + ids[0] + ": User packager is not an administrator (ADMINS)\n"), (refused.ExitCode, refused.Error));

        var revoked = await _cli.RunAsync($"""admin revoke {ids[0]} --reason "wrong build" -C {asRoot} --json""");
        Assert.True(revoked.ExitCode == 0, revoked.Error);
        var revocationId = (int)JsonNode.Parse(revoked.Output)!["waiver"]!["id"]!;
        var revocation = JsonNode.Parse((await _cli.RunAsync($"get {revocationId} --json -C {_asPackager}")).Output)!;
        Assert.Equal(("root", false, "Revoked by root: wrong build"),
            ((string?)revocation["username"], (bool)revocation["waived"]!, (string?)revocation["comment"]));

        var again = await _cli.RunAsync($"""admin revoke {ids[0]} --reason "twice" -C {asRoot}""");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"waiver {revocationId} replaces it", again.Error, StringComparison.Ordinal);

        var removed = await _cli.RunAsync($"""admin remove {ids[1]} --reason "spam" -C {asRoot}""");
        Assert.Equal(0, removed.ExitCode);
        Assert.StartsWith($"Removed waiver {ids[1]} (audit entry ", removed.Output, StringComparison.Ordinal);
        var gone = await _cli.RunAsync($"get {ids[1]} -C {_asPackager}");
        Assert.Equal((1, $"Error: Failed to get waiver {ids[1]}: Waiver not found\n"), (gone.ExitCode, gone.Error));

        var audit = JsonNode.Parse((await _cli.RunAsync($"admin audit --json -C {asRoot}")).Output)!["data"]!.AsArray();
        Assert.Equal([("remove", ids[1], "spam"), ("revoke", ids[0], "wrong build")],
            audit.Select(e => ((string)e!["action"]!, (int)e["waiver_id"]!, (string)e["reason"]!)));
    }

    [Fact]
    public async Task BodhiWaivesOnAPackagersBehalf()
    {
        var run = await _cli.RunAsync($"""create -C {_asBodhi} -t dist.abicheck -i gzip-1.9-1.fc28 -T koji_build -c "ABI change is intended" -u packager --json""");

        Assert.Equal(0, run.ExitCode);
        var waiver = JsonNode.Parse(run.Output)![0]!;
        Assert.Equal(("packager", "bodhi"), ((string?)waiver["username"], (string?)waiver["proxied_by"]));
    }

    [Fact]
    public async Task APermissionRefusalIsStatusOneWithTheServersMessage()
    {
        var run = await _cli.RunAsync($"""create -C {_asPackager} -t compose.install -i Fedora-28-20180101.0 -T compose -c c""");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: Failed to create waivers: User packager is not authorized to submit results for the test case compose.install\n", run.Error);
    }

    [Fact]
    public async Task ListAllFollowsEveryPage()
    {
        for (var i = 0; i < 5; i++)
        {
            var created = await _cli.RunAsync($"""-C {_asPackager} -t dist.t{i} -i paged-1.0-{i}.fc40 -T koji_build -c "page test" """);
            Assert.Equal(0, created.ExitCode);
        }

        var onePage = await _cli.RunAsync($"list -C {_asPackager} -i paged-1.0-3.fc40 --limit 2 --json");
        var all = await _cli.RunAsync($"list -C {_asPackager} -u packager -p fedora-40 --limit 2 --all --json");

        Assert.Equal(0, all.ExitCode);
        Assert.Single(JsonNode.Parse(onePage.Output)!["data"]!.AsArray());
        Assert.Equal(
            ["paged-1.0-4.fc40", "paged-1.0-3.fc40", "paged-1.0-2.fc40", "paged-1.0-1.fc40", "paged-1.0-0.fc40"],
            JsonNode.Parse(all.Output)!.AsArray().Select(w => (string?)w!["subject_identifier"]));
    }

    [Fact]
    public async Task AboutAndPermissionsDescribeTheServer()
    {
        var about = await _cli.RunAsync($"about -C {_asPackager}");
        var permissions = await _cli.RunAsync($"permissions -C {_asPackager} -t dist.rpmdeplint");
        var none = await _cli.RunAsync($"permissions -C {_asPackager} -t compose.install");

        Assert.Contains("auth_method: dummy\n", about.Output, StringComparison.Ordinal);
        Assert.Matches(@"version: 1\.0\.0", about.Output);
        Assert.Equal(
            "NAME       TESTCASES  IGNORED  USERS            GROUPS  MAINTAINERS\nfedora-ci  dist.*     -        packager, bodhi  -       -\n",
            permissions.Output);
        Assert.Equal("No permission entry covers this test case.\n", none.Output);
    }
}
