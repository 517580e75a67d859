using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The administrators' revoke, remove and audit log against a real PostgreSQL: who may call
/// them, what they store (waiver, audit row and outbox row in one transaction), what a
/// removal leaves behind, and two administrators racing on one waiver.
/// </summary>
public sealed class AdminApiTests : ServiceFixture
{
    private readonly string _configPath = Path.Combine(Path.GetTempPath(), $"waiverdb-admin-messaging-{Guid.NewGuid():N}.toml");

    public override async Task InitializeAsync()
    {
        // Publishing on, to a broker that is not there: the outbox rows stay pending, to be counted.
        await File.WriteAllTextAsync(_configPath, "amqp_url = \"amqp://127.0.0.1:1/\"\n");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_configPath);
    }

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["ADMINS"] = new JsonObject { ["users"] = new JsonArray("root", "ops") };
        settings["MESSAGE_BUS_PUBLISH"] = true;
        settings["MESSAGE_PUBLISHER"] = "fedora-messaging";
        settings["FEDORA_MESSAGING_CONF"] = _configPath;
        settings["MESSAGE_OUTBOX_POLL_SECONDS"] = 60;
        settings["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = 60;
    }

    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "/api/v1.0/admin/waivers/1/revoke" },
        { "DELETE", "/api/v1.0/admin/waivers/1" },
        { "GET", "/api/v1.0/admin/audit" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AnonymousCallersGet401WithAChallenge(string method, string path)
    {
        var waiver = await CreateAsync(WaiverBody());
        using var response = await SendAsync(Anonymous, method, path, """{"reason": "spam"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        Assert.False(string.IsNullOrEmpty((string?)(await ReadJsonAsync(response))["message"]));
        await AssertUntouchedAsync((int)waiver["id"]!);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task CallersNotInAdminsGet403NamingThemAndChangeNothing(string method, string path)
    {
        var waiver = await CreateAsync(WaiverBody());
        // bodhi is a superuser: proxying is not administration.
        using var client = As("bodhi");
        using var response = await SendAsync(client, method, path, """{"reason": "spam"}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertJson("""{"message": "User bodhi is not an administrator (ADMINS)"}""", await ReadJsonAsync(response));
        await AssertUntouchedAsync((int)waiver["id"]!);
    }

    [Theory]
    [InlineData("POST", "/api/v1.0/admin/waivers/999/revoke")]
    [InlineData("DELETE", "/api/v1.0/admin/waivers/999")]
    public async Task AnUnknownWaiverIs404(string method, string path)
    {
        using var client = As("root");
        using var response = await SendAsync(client, method, path, """{"reason": "typo"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertJson("""{"message": "Waiver 999 not found"}""", await ReadJsonAsync(response));
        Assert.Equal(0, await CountAsync("waiverdb_admin_audit"));
    }

    [Theory]
    [InlineData("", "reason: Field required")]
    [InlineData("{}", "reason: Field required")]
    [InlineData("""{"reason": null}""", "reason: Field required")]
    [InlineData("""{"reason": "  "}""", "reason: must say why (an empty reason is not one)")]
    [InlineData("""{"reason": 5}""", "reason: Input should be a valid string")]
    [InlineData("""{"reason": "spam", "comment": "x"}""", "comment: Extra inputs are not permitted")]
    [InlineData("""["spam"]""", "The request body must be a JSON object: {\"reason\": \"...\"}")]
    [InlineData("""{"reason": "spam\u0000"}""", "reason: must not contain NUL characters")]
    public async Task AMissingOrInvalidReasonIs400NamingItAndChangesNothing(string body, string message)
    {
        var waiver = await CreateAsync(WaiverBody());
        var id = (int)waiver["id"]!;
        using var client = As("root");

        foreach (var (method, path) in new[] { ("POST", $"/api/v1.0/admin/waivers/{id}/revoke"), ("DELETE", $"/api/v1.0/admin/waivers/{id}") })
        {
            using var response = await SendAsync(client, method, path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, (string?)(await ReadJsonAsync(response))["message"]);
        }

        await AssertUntouchedAsync(id);
    }

    [Fact]
    public async Task MalformedJsonIs400()
    {
        var waiver = await CreateAsync(WaiverBody());
        using var client = As("root");
        using var response = await SendAsync(client, "POST", $"/api/v1.0/admin/waivers/{waiver["id"]}/revoke", "{\"reason\": ");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The request body is not valid JSON", (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
        await AssertUntouchedAsync((int)waiver["id"]!);
    }

    [Fact]
    public async Task RevokeRecordsASupersedingWaivedFalseWaiverItsAuditRowAndOneNewWaiverMessage()
    {
        var original = await CreateAsync(WaiverBody(change: b => b["scenario"] = "fedora.updates"), "packager");
        var id = (int)original["id"]!;
        await using var db = OpenDatabase();
        var outboxBefore = await db.ExecuteScalarAsync<long>("SELECT max(id) FROM waiverdb_outbox");

        using var client = As("root");
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{id}/revoke", Json("""{"reason": "waived the wrong build"}"""));
        var answer = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());

        var revocation = answer["waiver"]!;
        var revocationId = (int)revocation["id"]!;
        Assert.True(revocationId > id);
        AssertJson($$"""
            {"id": {{revocationId}}, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
             "subject": {"type": "koji_build", "item": "glibc-2.26-27.fc27"}, "testcase": "dist.rpmdeplint",
             "scenario": "fedora.updates", "username": "root", "proxied_by": null, "product_version": "fedora-27",
             "waived": false, "comment": "Revoked by root: waived the wrong build", "timestamp": "{{revocation["timestamp"]}}"}
            """, revocation);
        Assert.Equal(revocation.ToJsonString(), (await GetJsonAsync(Anonymous, $"/api/v1.0/waivers/{revocationId}")).ToJsonString());

        var audit = answer["audit"]!;
        AssertJson($$"""
            {"id": {{audit["id"]}}, "action": "revoke", "admin": "root", "reason": "waived the wrong build",
             "timestamp": "{{audit["timestamp"]}}", "waiver_id": {{id}}, "subject_type": "koji_build",
             "subject_identifier": "glibc-2.26-27.fc27", "testcase": "dist.rpmdeplint", "scenario": "fedora.updates",
             "product_version": "fedora-27", "revocation_id": {{revocationId}}}
            """, audit);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", (string)audit["timestamp"]!);
        Assert.Equal(1, await CountAsync("waiverdb_admin_audit"));

        // Exactly one new message, the ordinary new-waiver one Greenwave listens for.
        var messages = (await db.QueryAsync<(string Topic, string Body, int WaiverId)>(
            "SELECT topic, body::text, waiver_id FROM waiverdb_outbox WHERE id > @outboxBefore", new { outboxBefore })).ToList();
        var message = Assert.Single(messages);
        Assert.Equal(("waiverdb.waiver.new", revocationId), (message.Topic, message.WaiverId));
        Assert.Equal(revocation.ToJsonString(), message.Body);

        // Greenwave's question now finds the revocation, not the waiver.
        using var filtered = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", JsonNode.Parse("""
            {"filters": [{"subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27", "testcase": "dist.rpmdeplint"}]}
            """)!);
        var found = Assert.Single((await ReadJsonAsync(filtered))["data"]!.AsArray());
        Assert.Equal((revocationId, false), ((int)found!["id"]!, (bool)found["waived"]!));
    }

    [Fact]
    public async Task RevokingAnObsoleteWaiverIs409NamingTheNewerOneAndWritesNothing()
    {
        var old = await CreateAsync(WaiverBody(), "packager");
        var newer = await CreateAsync(WaiverBody(change: b => b["comment"] = "again"), "someone-else");
        var before = await CountWaiversAsync();

        using var client = As("root");
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{old["id"]}/revoke", Json("""{"reason": "mistake"}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal($"Waiver {old["id"]} is obsolete: waiver {newer["id"]} replaces it; revoke waiver {newer["id"]} instead",
            (string?)(await ReadJsonAsync(response))["message"]);
        Assert.Equal(before, await CountWaiversAsync());
        Assert.Equal(0, await CountAsync("waiverdb_admin_audit"));
        Assert.Equal(2, await CountAsync("waiverdb_outbox"));
    }

    [Fact]
    public async Task RevokingAWaivedFalseWaiverIs409()
    {
        var unwaived = await CreateAsync(WaiverBody(change: b => b["waived"] = false));

        using var client = As("root");
        using var response = await client.PostAsync($"/api/v1.0/admin/waivers/{unwaived["id"]}/revoke", Json("""{"reason": "mistake"}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal($"Waiver {unwaived["id"]} already says waived: false; there is nothing to revoke", (string?)(await ReadJsonAsync(response))["message"]);
        Assert.Equal(1, await CountWaiversAsync());
    }

    [Fact]
    public async Task RemoveDeletesTheWaiverKeepsOnlyItsIdAndKeyAndQueuesOneDeletedMessage()
    {
        const string Secret = "call me at +1 555 0100, my password is hunter2";
        var kept = await CreateAsync(WaiverBody("other-1.0-1.fc27"));
        var spam = await CreateAsync(WaiverBody(change: b => b["comment"] = Secret), "spammer-account");
        var id = (int)spam["id"]!;

        using var client = As("ops");
        using var response = await SendAsync(client, "DELETE", $"/api/v1.0/admin/waivers/{id}", """{"reason": "spam with personal data"}""");
        var answer = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Null(answer["waiver"]);
        Assert.Equal(("remove", "ops", id), ((string?)answer["audit"]!["action"], (string?)answer["audit"]!["admin"], (int)answer["audit"]!["waiver_id"]!));
        Assert.Null(answer["audit"]!["revocation_id"]);

        using var gone = await Anonymous.GetAsync($"/api/v1.0/waivers/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(1, await CountWaiversAsync());
        Assert.Equal((int)kept["id"]!, (int)(await StoredWaiverAsync((int)kept["id"]!))["id"]!);

        // Nothing of the removed content is left anywhere: not in the audit log, not in the outbox.
        await using var db = OpenDatabase();
        var everything = string.Join('\n', await db.QueryAsync<string>("""
            SELECT row_to_json(a)::text FROM waiverdb_admin_audit a
            UNION ALL SELECT row_to_json(o)::text FROM waiverdb_outbox o
            """));
        Assert.DoesNotContain("hunter2", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("spammer-account", everything, StringComparison.Ordinal);

        var outbox = (await db.QueryAsync<(string Topic, string Body, int WaiverId)>(
            "SELECT topic, body::text, waiver_id FROM waiverdb_outbox ORDER BY id")).ToList();
        Assert.Equal(2, outbox.Count);
        Assert.Equal(("waiverdb.waiver.new", (int)kept["id"]!), (outbox[0].Topic, outbox[0].WaiverId));
        Assert.Equal(("waiverdb.waiver.deleted", id), (outbox[1].Topic, outbox[1].WaiverId));
        AssertJson($$"""
            {"id": {{id}}, "subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27",
             "testcase": "dist.rpmdeplint", "scenario": null, "product_version": "fedora-27"}
            """, JsonNode.Parse(outbox[1].Body));

        var audit = await db.QuerySingleAsync("SELECT * FROM waiverdb_admin_audit");
        Assert.Equal("spam with personal data", (string)audit.reason);
        Assert.Equal("glibc-2.26-27.fc27", (string)audit.subject_identifier);
    }

    [Fact]
    public async Task RemoveTakesTheReasonFromTheQueryStringWhenThereIsNoBody()
    {
        var waiver = await CreateAsync(WaiverBody());
        using var client = As("root");
        using var response = await client.DeleteAsync($"/api/v1.0/admin/waivers/{waiver["id"]}?reason=duplicate%20of%20another");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("duplicate of another", (string?)(await ReadJsonAsync(response))["audit"]!["reason"]);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task AReasonInBothTheBodyAndTheQueryStringIs400()
    {
        var waiver = await CreateAsync(WaiverBody());
        using var client = As("root");
        using var response = await SendAsync(client, "DELETE", $"/api/v1.0/admin/waivers/{waiver["id"]}?reason=a", """{"reason": "b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("reason: Give the reason in the body or in the query string, not both", (string?)(await ReadJsonAsync(response))["message"]);
        Assert.Equal(1, await CountWaiversAsync());
    }

    [Fact]
    public async Task TwoAdministratorsRevokingOneWaiverAtOnceGiveOneRevocationAndOneConflict()
    {
        for (var round = 0; round < 5; round++)
        {
            var waiver = await CreateAsync(WaiverBody($"race-{round}-1.0-1.fc40"));
            var statuses = await RaceAsync("POST", $"/api/v1.0/admin/waivers/{waiver["id"]}/revoke");

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses.Order());
            await using var db = OpenDatabase();
            Assert.Equal(1, await db.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM waiver WHERE subject_identifier = @identifier AND NOT waived", new { identifier = $"race-{round}-1.0-1.fc40" }));
        }

        Assert.Equal(5, await CountAsync("waiverdb_admin_audit"));
    }

    [Fact]
    public async Task TwoAdministratorsRemovingOneWaiverAtOnceGiveOneRemovalAndOne404()
    {
        for (var round = 0; round < 5; round++)
        {
            var waiver = await CreateAsync(WaiverBody($"race-{round}-1.0-1.fc40"));
            var statuses = await RaceAsync("DELETE", $"/api/v1.0/admin/waivers/{waiver["id"]}");

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotFound], statuses.Order());
        }

        Assert.Equal(0, await CountWaiversAsync());
        Assert.Equal(5, await CountAsync("waiverdb_admin_audit"));
        await using var db = OpenDatabase();
        Assert.Equal(5, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox WHERE topic = 'waiverdb.waiver.deleted'"));
    }

    [Fact]
    public async Task TheAuditLogListsEveryOperationNewestFirstInPages()
    {
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((int)(await CreateAsync(WaiverBody($"audit-{i}-1.0-1.fc40")))["id"]!);
        }

        using var root = As("root");
        using var ops = As("ops");
        (await root.PostAsync($"/api/v1.0/admin/waivers/{ids[0]}/revoke", Json("""{"reason": "first"}"""))).Dispose();
        (await SendAsync(ops, "DELETE", $"/api/v1.0/admin/waivers/{ids[1]}", """{"reason": "second"}""")).Dispose();
        (await root.PostAsync($"/api/v1.0/admin/waivers/{ids[2]}/revoke", Json("""{"reason": "third"}"""))).Dispose();

        var page1 = await GetJsonAsync(root, "/api/v1.0/admin/audit?limit=2");
        Assert.Equal(3, (int)page1["total"]!);
        Assert.Equal(["third", "second"], page1["data"]!.AsArray().Select(e => (string)e!["reason"]!));
        Assert.Equal(["revoke", "remove"], page1["data"]!.AsArray().Select(e => (string)e!["action"]!));
        Assert.Equal(["root", "ops"], page1["data"]!.AsArray().Select(e => (string)e!["admin"]!));
        Assert.Null(page1["prev"]);
        Assert.Equal("http://localhost/api/v1.0/admin/audit?page=2&limit=2", (string?)page1["next"]);

        var page2 = await GetJsonAsync(root, (string)page1["next"]!);
        Assert.Equal(["first"], page2["data"]!.AsArray().Select(e => (string)e!["reason"]!));
        Assert.Null(page2["next"]);

        var one = await GetJsonAsync(root, $"/api/v1.0/admin/audit?waiver_id={ids[1]}");
        Assert.Equal(["second"], one["data"]!.AsArray().Select(e => (string)e!["reason"]!));
    }

    [Theory]
    [InlineData("limit=0", "limit: must be a whole number from 1 to 1000")]
    [InlineData("page=x", "page: must be a whole number from 1 to 2147483647")]
    [InlineData("waiver_id=-3", "waiver_id: must be a whole number from 1 to 2147483647")]
    public async Task BadAuditPagingIs400(string query, string message)
    {
        using var root = As("root");
        using var response = await root.GetAsync("/api/v1.0/admin/audit?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertJson($$"""{"message": "{{message}}"}""", await ReadJsonAsync(response));
    }

    private async Task<HttpStatusCode[]> RaceAsync(string method, string path)
    {
        using var root = As("root");
        using var ops = As("ops");
        using var start = new SemaphoreSlim(0);
        async Task<HttpStatusCode> Send(HttpClient client, string reason)
        {
            await start.WaitAsync();
            using var response = await SendAsync(client, method, path, $$"""{"reason": "{{reason}}"}""");
            return response.StatusCode;
        }

        var both = Task.WhenAll(Send(root, "race a"), Send(ops, "race b"));
        start.Release(2);
        return await both;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && body.Length > 0)
        {
            request.Content = Json(body);
        }

        return client.SendAsync(request);
    }

    private async Task<long> CountAsync(string table)
    {
        await using var db = OpenDatabase();
        return await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
    }

    /// <summary>A refused call left the waiver, the audit log and the outbox as they were.</summary>
    private async Task AssertUntouchedAsync(int id)
    {
        Assert.Equal(id, (int)(await StoredWaiverAsync(id))["id"]!);
        Assert.Equal(1, await CountWaiversAsync());
        Assert.Equal(0, await CountAsync("waiverdb_admin_audit"));
        Assert.Equal(1, await CountAsync("waiverdb_outbox"));
    }
}
