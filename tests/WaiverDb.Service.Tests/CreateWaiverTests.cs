using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

public sealed class CreateWaiverTests : ServiceFixture
{
    [Fact]
    public async Task PostingAWaiverStoresItAndAnswersTheUpstreamResource()
    {
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var waiver = (await ReadJsonAsync(response)).AsObject();
        Assert.Equal(
            ["id", "subject_type", "subject_identifier", "subject", "testcase", "scenario", "username", "proxied_by",
             "product_version", "waived", "comment", "timestamp"],
            waiver.Select(p => p.Key).ToArray());
        Assert.Equal("koji_build", (string?)waiver["subject_type"]);
        Assert.Equal("glibc-2.26-27.fc27", (string?)waiver["subject"]!["item"]);
        Assert.Equal("alice", (string?)waiver["username"]);
        Assert.Null(waiver["proxied_by"]);
        Assert.Null(waiver["scenario"]);
        Assert.True((bool)waiver["waived"]!);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$", (string?)waiver["timestamp"]);

        await using var db = OpenDatabase();
        var stored = await db.QuerySingleAsync<(string Username, string Testcase)>(
            "SELECT username, testcase FROM waiver WHERE id = @id", new { id = (int)waiver["id"]! });
        Assert.Equal(("alice", "dist.rpmdeplint"), stored);
    }

    [Fact]
    public async Task PostingWithoutCredentialsIsUnauthorizedWithABasicChallenge()
    {
        using var response = await Anonymous.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"dummy\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Authentication required", (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Fact]
    public async Task PostingWithoutCommentNamesTheFieldInBothErrorShapes()
    {
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody(change: b => b.Remove("comment"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadJsonAsync(response);
        Assert.Equal("comment: Field required", (string?)error["message"]);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        Assert.Equal("""{"loc":["comment"],"msg":"Field required","type":"missing"}""", item.ToJsonString());
    }

    [Fact]
    public async Task PostingAnObjectAnswersWithTheLocationOfTheNewWaiver()
    {
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(WaiverBody("location-1.fc40")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await ReadJsonAsync(response);
        var id = (int)created["id"]!;
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.EndsWith($"/api/v1.0/waivers/{id}", location.OriginalString, StringComparison.Ordinal);

        var fetched = await GetJsonAsync(client, location.OriginalString);
        AssertJson(created.ToJsonString(), fetched);
    }

    [Fact]
    public async Task PostingAListStoresEveryWaiverAndAnswersThemInOrder()
    {
        var body = new JsonArray(
            WaiverBody("list-c-1.fc40", "dist.c"),
            WaiverBody("list-a-1.fc40", "dist.a"),
            WaiverBody("list-b-1.fc40", "dist.b", b => b["waived"] = false));

        var (status, answer) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.Created, status);
        var created = answer.AsArray();
        Assert.Equal(["list-c-1.fc40", "list-a-1.fc40", "list-b-1.fc40"], created.Select(w => (string?)w!["subject_identifier"]));
        Assert.Equal(["dist.c", "dist.a", "dist.b"], created.Select(w => (string?)w!["testcase"]));
        Assert.Equal([true, true, false], created.Select(w => (bool)w!["waived"]!));
        var ids = created.Select(w => (int)w!["id"]!).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(3, ids.Distinct().Count());

        await using var db = OpenDatabase();
        var stored = (await db.QueryAsync<(int Id, string Identifier, string Testcase, bool Waived)>(
            "SELECT id, subject_identifier, testcase, waived FROM waiver WHERE id = ANY(@ids) ORDER BY id", new { ids })).ToList();
        Assert.Equal(
            created.Select(w => ((int)w!["id"]!, (string)w["subject_identifier"]!, (string)w["testcase"]!, (bool)w["waived"]!)),
            stored);
    }

    [Fact]
    public async Task PostingAOneItemListAnswersAList()
    {
        var (status, answer) = await PostWaiversAsync(new JsonArray(WaiverBody("one-item-1.fc40")));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("one-item-1.fc40", (string?)Assert.Single(answer.AsArray())!["subject_identifier"]);
    }

    [Fact]
    public async Task WaivedDefaultsToTrue()
    {
        var waiver = await CreateAsync(WaiverBody("waived-default-1.fc40"));

        Assert.True((bool)waiver["waived"]!);
        Assert.Equal(true, (await StoredWaiverAsync((int)waiver["id"]!))["waived"]);
    }

    [Fact]
    public async Task WaivedFalseIsKept()
    {
        var waiver = await CreateAsync(WaiverBody("waived-false-1.fc40", change: b => b["waived"] = false));

        Assert.False((bool)waiver["waived"]!);
        Assert.Equal(false, (await StoredWaiverAsync((int)waiver["id"]!))["waived"]);
    }

    [Fact]
    public async Task ScenarioIsKept()
    {
        var waiver = await CreateAsync(WaiverBody("scenario-1.fc40", change: b => b["scenario"] = "fedora.universal.x86_64.64bit"));

        Assert.Equal("fedora.universal.x86_64.64bit", (string?)waiver["scenario"]);
        Assert.Equal("fedora.universal.x86_64.64bit", (await StoredWaiverAsync((int)waiver["id"]!))["scenario"]);
    }

    [Fact]
    public async Task EveryFieldIsStoredExactlyAsSent()
    {
        var waiver = await CreateAsync(WaiverBody("exact-1.fc40", "dist.exact", b =>
        {
            b["subject_type"] = "bodhi_update";
            b["product_version"] = "fedora-40";
            b["comment"] = "Known flake: \"rpmdeplint\" ✓ <b>ok</b>\nsecond line";
        }), user: "zoë");

        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal("bodhi_update", row["subject_type"]);
        Assert.Equal("exact-1.fc40", row["subject_identifier"]);
        Assert.Equal("dist.exact", row["testcase"]);
        Assert.Equal("fedora-40", row["product_version"]);
        Assert.Equal("Known flake: \"rpmdeplint\" ✓ <b>ok</b>\nsecond line", row["comment"]);
        Assert.Equal("zoë", row["username"]);
        Assert.Null(row["proxied_by"]);
        Assert.Null(row["scenario"]);
        AssertJson("""{"type": "bodhi_update", "item": "exact-1.fc40"}""", waiver["subject"]);
        Assert.Equal("zoë", (string?)waiver["username"]);
    }

    [Theory]
    [InlineData("brew-build", "koji_build")]
    [InlineData("koji_build", "koji_build")]
    [InlineData("redhat-container-image", "redhat-container-image")]
    public async Task BrewBuildIsStoredAsKojiBuildAndOtherTypesAsGiven(string sent, string stored)
    {
        var identifier = $"type-{sent}-1.fc40";
        var waiver = await CreateAsync(WaiverBody(identifier, change: b => b["subject_type"] = sent));

        Assert.Equal(stored, (string?)waiver["subject_type"]);
        AssertJson(new JsonObject { ["type"] = stored, ["item"] = identifier }.ToJsonString(), waiver["subject"]);
        Assert.Equal(stored, (await StoredWaiverAsync((int)waiver["id"]!))["subject_type"]);
    }

    [Fact]
    public async Task AComposeSubjectIsEchoedAsItsComposeId()
    {
        var waiver = await CreateAsync(WaiverBody("Fedora-40-20240101.n.0", change: b => b["subject_type"] = "compose"));

        AssertJson("""{"productmd.compose.id": "Fedora-40-20240101.n.0"}""", waiver["subject"]);
    }

    [Theory]
    [InlineData("""{"type": "koji_build", "item": "legacy-1.fc40"}""", "koji_build", "legacy-1.fc40")]
    [InlineData("""{"type": "brew-build", "item": "legacy-2.el9"}""", "koji_build", "legacy-2.el9")]
    [InlineData("""{"type": "bodhi_update", "item": "FEDORA-2024-abc"}""", "bodhi_update", "FEDORA-2024-abc")]
    [InlineData("""{"original_spec_nvr": "legacy-3.fc40"}""", "koji_build", "legacy-3.fc40")]
    [InlineData("""{"productmd.compose.id": "Fedora-40-20240102.n.0"}""", "compose", "Fedora-40-20240102.n.0")]
    public async Task ALegacySubjectIsStoredAsTypeAndIdentifier(string subject, string type, string identifier)
    {
        var waiver = await CreateAsync(WaiverBody(change: b =>
        {
            b.Remove("subject_type");
            b.Remove("subject_identifier");
            b["subject"] = JsonNode.Parse(subject);
        }));

        Assert.Equal((type, identifier), ((string?)waiver["subject_type"], (string?)waiver["subject_identifier"]));
        var expectedEcho = type == "compose"
            ? new JsonObject { ["productmd.compose.id"] = identifier }
            : new JsonObject { ["type"] = type, ["item"] = identifier };
        AssertJson(expectedEcho.ToJsonString(), waiver["subject"]);
        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal((type, identifier), ((string?)row["subject_type"], (string?)row["subject_identifier"]));
    }

    [Theory]
    [InlineData("subject_type")]
    [InlineData("subject_identifier")]
    public async Task ALegacySubjectCombinedWithSubjectFieldsIsRefused(string kept)
    {
        var before = await CountWaiversAsync();
        var body = WaiverBody(change: b =>
        {
            b.Remove(kept == "subject_type" ? "subject_identifier" : "subject_type");
            b["subject"] = new JsonObject { ["type"] = "koji_build", ["item"] = "combined-1.fc40" };
        });

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertJson($$"""[{"loc": ["{{kept}}"], "msg": "Must not be combined with subject", "type": "value_error"}]""", error["validation_error"]);
        Assert.Equal($"{kept}: Must not be combined with subject", (string?)error["message"]);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("""{"nvr": "x-1.fc40"}""")]
    [InlineData("""{"type": "koji_build"}""")]
    [InlineData("""{"item": "x-1.fc40"}""")]
    [InlineData("{}")]
    public async Task AnUnrecognisedLegacySubjectIsRefused(string subject)
    {
        var before = await CountWaiversAsync();
        var body = WaiverBody(change: b =>
        {
            b.Remove("subject_type");
            b.Remove("subject_identifier");
            b["subject"] = JsonNode.Parse(subject);
        });

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        AssertJson("""["subject"]""", item["loc"]);
        Assert.Equal(LegacySubjectValidator.Unrecognised, (string?)item["msg"]);
        Assert.StartsWith("subject: Unrecognised subject", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task ALegacySubjectWithANonStringValueNamesTheKey()
    {
        var body = WaiverBody(change: b =>
        {
            b.Remove("subject_type");
            b.Remove("subject_identifier");
            b["subject"] = new JsonObject { ["type"] = "koji_build", ["item"] = 5 };
        });

        var (status, error) = await PostWaiversAsync(body);

        // Only the mistyped key is named, not also "unrecognised subject" for the dictionary.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertJson("""[{"loc": ["subject", "item"], "msg": "Input should be a valid string", "type": "string_type"}]""",
            error["validation_error"]!);
        Assert.Equal("subject.item: Input should be a valid string", (string?)error["message"]);
    }

    [Fact]
    public async Task ClientSentIdTimestampAndProxiedByAreIgnored()
    {
        var before = DateTime.UtcNow;
        var waiver = await CreateAsync(WaiverBody("ignored-fields-1.fc40", change: b =>
        {
            b["id"] = 987654;
            b["timestamp"] = "2001-02-03T04:05:06.000000";
            b["proxied_by"] = "mallory";
        }));

        var id = (int)waiver["id"]!;
        Assert.NotEqual(987654, id);
        Assert.Null(waiver["proxied_by"]);
        var row = await StoredWaiverAsync(id);
        Assert.Null(row["proxied_by"]);
        Assert.Equal("alice", row["username"]);
        var stored = Assert.IsType<DateTime>(row["timestamp"]);
        Assert.InRange(stored, before.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(stored.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture), (string?)waiver["timestamp"]);

        await using var db = OpenDatabase();
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver WHERE id = 987654 OR proxied_by = 'mallory'"));
    }

    [Fact]
    public async Task EachWaiverOfAListGetsItsOwnTimestampInOrder()
    {
        var (status, answer) = await PostWaiversAsync(new JsonArray(WaiverBody("ts-1.fc40"), WaiverBody("ts-2.fc40"), WaiverBody("ts-3.fc40")));

        Assert.Equal(HttpStatusCode.Created, status);
        var timestamps = answer.AsArray().Select(w => (string)w!["timestamp"]!).ToList();
        Assert.All(timestamps, t => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$", t));
        Assert.Equal(timestamps.Order(StringComparer.Ordinal), timestamps);
    }
}
