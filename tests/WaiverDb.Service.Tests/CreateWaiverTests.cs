using System.Net;
using Dapper;
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
}
