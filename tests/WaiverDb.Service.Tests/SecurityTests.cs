using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// What no client may do: record a waiver as someone else, set what the server decides,
/// get around PERMISSIONS through list bodies, legacy subjects, brew-build, case or unicode
/// look-alikes; read authenticated data through JSONP; see internals in an answer; or get a
/// credential written to the log.
/// </summary>
public sealed class SecurityTests : ServiceFixture
{
    private const string Password = "pw-never-logged-3f9a1c";
    private const string QueryToken = "qs-token-never-logged-77d2e0";

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["SUPERUSERS"] = new JsonArray("bodhi");
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [{"name": "dist", "testcases": ["dist.*"], "testcases_ignore": ["dist.secret*"], "users": ["alice", "packager"]}]
            """);
    }

    [Fact]
    public async Task ANonSuperuserSendingUsernameIsRefusedInSingleAndListBodies()
    {
        var (single, singleError) = await PostWaiversAsync(WaiverBody(change: b => b["username"] = "packager"));
        var (list, _) = await PostWaiversAsync(new JsonArray(WaiverBody(), WaiverBody(change: b => b["username"] = "packager")));
        var (self, _) = await PostWaiversAsync(WaiverBody(change: b => b["username"] = "alice"));

        Assert.Equal(HttpStatusCode.Forbidden, single);
        Assert.Equal("user alice does not have the proxyuser ability", (string?)singleError["message"]);
        Assert.Equal(HttpStatusCode.Forbidden, list);
        Assert.Equal(HttpStatusCode.Forbidden, self);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("proxied_by", "\"bodhi\"")]
    [InlineData("id", "424242")]
    [InlineData("timestamp", "\"2001-01-01T00:00:00.000000\"")]
    public async Task AClientCannotSetWhatTheServerDecides(string field, string value)
    {
        var body = WaiverBody();
        body[field] = JsonNode.Parse(value);

        var (status, answer) = await PostWaiversAsync(body);

        // Refused, or ignored: never stored as sent.
        if (status == HttpStatusCode.Created)
        {
            var row = await StoredWaiverAsync((int)answer["id"]!);
            Assert.Null(row["proxied_by"]);
            Assert.NotEqual(424242, (int)answer["id"]!);
            Assert.True(((DateTime)row["timestamp"]!).Year > 2020);
            Assert.Null((string?)answer["proxied_by"]);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(field, (string?)answer["message"], StringComparison.Ordinal);
            Assert.Equal(0, await CountWaiversAsync());
        }
    }

    [Fact]
    public async Task OneForbiddenItemRefusesTheWholeList()
    {
        var (status, error) = await PostWaiversAsync(new JsonArray(
            WaiverBody(testcase: "dist.rpmlint"), WaiverBody(testcase: "dist.secret.gate"), WaiverBody(testcase: "dist.abicheck")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("User alice is not authorized to submit results for the test case dist.secret.gate", (string?)error["message"]);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("""{"type": "koji_build", "item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"type": "brew-build", "item": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"original_spec_nvr": "glibc-2.26-27.fc27"}""")]
    [InlineData("""{"productmd.compose.id": "Fedora-27-20171110.n.1"}""")]
    public async Task LegacySubjectFormsGetTheSamePermissionCheck(string subject)
    {
        var body = new JsonObject
        {
            ["subject"] = JsonNode.Parse(subject), ["testcase"] = "dist.secret.gate", ["product_version"] = "fedora-27", ["comment"] = "c",
        };

        var (status, _) = await PostWaiversAsync(body);
        var (other, _) = await PostWaiversAsync(body, "mallory");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task BrewBuildIsCheckedAsTheKojiBuildItIsStoredAs()
    {
        var (denied, _) = await PostWaiversAsync(WaiverBody(testcase: "dist.secret.gate", change: b => b["subject_type"] = "brew-build"));
        var (allowed, waiver) = await PostWaiversAsync(WaiverBody(testcase: "dist.rpmlint", change: b => b["subject_type"] = "brew-build"));

        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Equal(HttpStatusCode.Created, allowed);
        Assert.Equal("koji_build", (string?)waiver["subject_type"]);
    }

    [Theory]
    [InlineData("alice", "DIST.secret.gate")] // case: no entry covers it at all
    [InlineData("ALICE", "dist.rpmlint")] // user names are case-sensitive
    [InlineData("mallory", "dist.rpmlint")]
    public async Task CaseDoesNotWidenAPermission(string user, string testcase)
    {
        var (status, _) = await PostWaiversAsync(WaiverBody(testcase: testcase), user);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(0, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("dist.ｓecret.gate")] // fullwidth s
    [InlineData("dist.ѕecret.gate")] // Cyrillic dze
    [InlineData("dist.se\u200Bcret.gate")] // zero-width space
    [InlineData("dist.secret.gate ")] // trailing space
    [InlineData("dist.secrét.gate")]
    public async Task AUnicodeLookAlikeOfAnIgnoredTestcaseNeverWaivesTheRealOne(string lookalike)
    {
        var (status, _) = await PostWaiversAsync(WaiverBody(testcase: lookalike));

        // Allowed or not, what is stored is the look-alike, byte for byte, and Greenwave's
        // question about the real test case finds nothing.
        if (status == HttpStatusCode.Created)
        {
            await using var db = OpenDatabase();
            Assert.Equal(lookalike, await db.QuerySingleAsync<string>("SELECT testcase FROM waiver"));
        }

        using var response = await PostJsonAsync(Anonymous, "/api/v1.0/waivers/+filtered", JsonNode.Parse("""
            {"filters": [{"subject_type": "koji_build", "subject_identifier": "glibc-2.26-27.fc27", "testcase": "dist.secret.gate"}]}
            """)!);
        Assert.Empty((await ReadJsonAsync(response))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("alert(document.cookie)//")]
    [InlineData("cb);alert(1);//")]
    [InlineData("<script>")]
    [InlineData("a\u2028b")]
    [InlineData("__proto__[0]")]
    public async Task ACallbackThatIsNotAnIdentifierIsRefused(string callback)
    {
        using var response = await Anonymous.GetAsync("/api/v1.0/waivers/?callback=" + Uri.EscapeDataString(callback));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(callback, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJsonpRequestIsAnsweredAsAnonymousEvenWithTheBrowsersCredentials()
    {
        await CreateAsync(WaiverBody(testcase: "dist.rpmlint"));
        using var client = As("alice");

        using var jsonp = await client.GetAsync("/api/v1.0/waivers/?callback=steal");
        using var anonymous = await Anonymous.GetAsync("/api/v1.0/waivers/?callback=steal");
        using var post = await client.PostAsync("/api/v1.0/waivers/+filtered?callback=steal", Json("""{"filters": [{"testcase": "dist.rpmlint"}]}"""));

        Assert.Equal("application/javascript", jsonp.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", jsonp.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(await anonymous.Content.ReadAsStringAsync(), await jsonp.Content.ReadAsStringAsync());
        // Only GET is ever wrapped: a POST answer stays JSON, which a script tag cannot read.
        Assert.Equal("application/json", post.Content.Headers.ContentType?.MediaType);
        var requestLines = Application.Log.Entries.Where(e => e.Category == "WaiverDb.Requests" && e.Message.StartsWith("GET /api/v1.0/waivers/ ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requestLines.Count);
        Assert.All(requestLines, line => Assert.Contains(" by - ", line.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInternalErrorRevealsNoStackTraceSqlOrTableName()
    {
        await CreateAsync(WaiverBody(testcase: "dist.rpmlint"));
        await using (var db = OpenDatabase())
        {
            await db.ExecuteAsync("ALTER TABLE waiver RENAME COLUMN comment TO comment_gone_7c1");
        }

        using var list = await Anonymous.GetAsync("/api/v1.0/waivers/");
        var (create, _) = await PostWaiversAsync(WaiverBody(testcase: "dist.rpmlint"));
        var text = await list.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, list.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, create);
        Assert.Equal(
            "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.",
            (string?)JsonNode.Parse(text)!["message"]);
        foreach (var leak in new[] { "comment_gone_7c1", "SELECT", "waiver", "Npgsql", "Exception", "   at ", "42703" })
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }

        // The operator, not the client, gets the cause.
        Assert.Contains(Application.Log.Errors, e => e.ToString().Contains("comment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PasswordsTokensAndCookiesNeverReachTheLog()
    {
        using var client = Application.CreateClient();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password)));
            request.Content = Json(WaiverBody(testcase: "dist.rpmlint"));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        foreach (var (scheme, value) in new[] { ("Bearer", QueryToken + "-bearer"), ("Negotiate", Convert.ToBase64String(Encoding.UTF8.GetBytes(QueryToken + "-negotiate"))) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/");
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, value);
            request.Content = Json(WaiverBody());
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1.0/waivers/?access_token={QueryToken}&since=not-a-date-{QueryToken}"))
        {
            request.Headers.Add("Cookie", $"session={QueryToken}-cookie");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var log = Application.Log.Text;
        Assert.Contains("alice", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Password)), log, StringComparison.Ordinal);
        Assert.DoesNotContain(QueryToken, log, StringComparison.Ordinal);
    }
}
