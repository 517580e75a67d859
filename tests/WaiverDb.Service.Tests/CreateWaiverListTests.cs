using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>A list of waivers is stored whole or not at all.</summary>
public sealed class CreateWaiverListTests : ServiceFixture
{
    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "users": ["alice"]}]""");
    }

    private static JsonArray Items(int count, Func<int, JsonObject>? item = null) =>
        [.. Enumerable.Range(0, count).Select(i => (JsonNode)(item?.Invoke(i) ?? WaiverBody($"pkg-{i}-1.fc40", $"dist.case{i}")))];

    [Fact]
    public async Task AListWithOneInvalidItemIsRefusedWithItsIndexAndNothingIsStored()
    {
        var before = await CountWaiversAsync();
        var body = new JsonArray(WaiverBody("a-1.fc40"), WaiverBody("b-1.fc40", change: b => b.Remove("comment")), WaiverBody("c-1.fc40"));

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertJson("""[{"loc": [1, "comment"], "msg": "Field required", "type": "missing"}]""", error["validation_error"]);
        Assert.Equal("1.comment: Field required", (string?)error["message"]);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task EveryInvalidItemOfAListIsReported()
    {
        var before = await CountWaiversAsync();
        var body = new JsonArray(
            WaiverBody("a-1.fc40", change: b => b["product_version"] = new string('p', 201)),
            WaiverBody("b-1.fc40"),
            WaiverBody("c-1.fc40", change: b => b["comment"] = 5));

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertJson("""
            [{"loc": [0, "product_version"], "msg": "String should have at most 200 characters", "type": "string_too_long"},
             {"loc": [2, "comment"], "msg": "Input should be a valid string", "type": "string_type"}]
            """, error["validation_error"]);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"waiver\"")]
    [InlineData("null")]
    [InlineData("[]")]
    public async Task AListItemThatIsNotAnObjectIsRefused(string item)
    {
        var before = await CountWaiversAsync();
        var body = $"[{WaiverBody("a-1.fc40").ToJsonString()}, {item}]";

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertJson("""[{"loc": [1], "msg": "Input should be a valid dictionary or object", "type": "model_type"}]""", error["validation_error"]);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AListWhoseSecondItemIsNotPermittedIsForbiddenAndNothingIsStored()
    {
        var before = await CountWaiversAsync();
        var body = new JsonArray(WaiverBody("a-1.fc40", "dist.allowed"), WaiverBody("b-1.fc40", "other.refused"), WaiverBody("c-1.fc40", "dist.allowed"));

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "User alice is not authorized to submit results for the test case other.refused"}""", error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AListWhoseSecondItemProxiesWithoutTheAbilityIsForbiddenAndNothingIsStored()
    {
        var before = await CountWaiversAsync();
        var body = new JsonArray(WaiverBody("a-1.fc40"), WaiverBody("b-1.fc40", change: b => b["username"] = "packager"));

        var (status, error) = await PostWaiversAsync(body);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "user alice does not have the proxyuser ability"}""", error);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AnEmptyListIsRefused()
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(new JsonArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        AssertJson("[]", item["loc"]);
        Assert.Equal("too_short", (string?)item["type"]);
        Assert.Contains("holds 0", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AListOfMoreThanOneThousandItemsIsRefused()
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(Items(1001));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        Assert.Equal("too_long", (string?)item["type"]);
        Assert.Equal("A list of waivers must hold between 1 and 1000 items (MAX_WAIVERS_PER_REQUEST); it holds 1001", (string?)error["message"]);
        Assert.Equal(before, await CountWaiversAsync());
    }

    [Fact]
    public async Task AListOfExactlyOneThousandItemsIsStoredInOrder()
    {
        var before = await CountWaiversAsync();

        var (status, answer) = await PostWaiversAsync(Items(1000));

        Assert.Equal(HttpStatusCode.Created, status);
        var created = answer.AsArray();
        Assert.Equal(1000, created.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"pkg-{i}-1.fc40"), created.Select(w => (string?)w!["subject_identifier"]));
        var ids = created.Select(w => (int)w!["id"]!).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(before + 1000, await CountWaiversAsync());

        await using var db = OpenDatabase();
        var stored = (await db.QueryAsync<string>("SELECT subject_identifier FROM waiver WHERE id = ANY(@ids) ORDER BY id", new { ids })).ToList();
        Assert.Equal(created.Select(w => (string?)w!["subject_identifier"]), stored);
    }

    [Fact]
    public async Task AListOfPermittedItemsIsStored()
    {
        var before = await CountWaiversAsync();

        var (status, answer) = await PostWaiversAsync(new JsonArray(WaiverBody("ok-1.fc40", "dist.one"), WaiverBody("ok-2.fc40", "dist.two")));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["dist.one", "dist.two"], answer.AsArray().Select(w => (string?)w!["testcase"]));
        Assert.Equal(before + 2, await CountWaiversAsync());
    }
}
