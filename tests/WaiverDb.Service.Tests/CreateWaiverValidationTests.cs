using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>Bad bodies of <c>POST /waivers/</c>: 400 naming every problem, and nothing stored.</summary>
public sealed class CreateWaiverValidationTests : ServiceFixture
{
    /// <summary>Posts <paramref name="body"/>, expects 400 with nothing stored, and returns the error.</summary>
    private async Task<JsonNode> RefusedAsync(JsonNode body, string user = "alice") => await RefusedAsync(body.ToJsonString(), user);

    private async Task<JsonNode> RefusedAsync(string body, string user = "alice")
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(body, user);

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {error.ToJsonString()}");
        Assert.Equal(before, await CountWaiversAsync());
        return error;
    }

    [Theory]
    [InlineData("subject_type")]
    [InlineData("subject_identifier")]
    [InlineData("testcase")]
    [InlineData("product_version")]
    [InlineData("comment")]
    public async Task EachMissingRequiredFieldIsNamed(string field)
    {
        var error = await RefusedAsync(WaiverBody(change: b => b.Remove(field)));

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "Field required", "type": "missing"}]""", error["validation_error"]);
        Assert.Equal($"{field}: Field required", (string?)error["message"]);
    }

    [Theory]
    [InlineData("subject_type")]
    [InlineData("testcase")]
    [InlineData("comment")]
    public async Task ANullRequiredFieldCountsAsMissing(string field)
    {
        var error = await RefusedAsync(WaiverBody(change: b => b[field] = null));

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "Field required", "type": "missing"}]""", error["validation_error"]);
    }

    [Fact]
    public async Task AnEmptyObjectNamesEveryRequiredField()
    {
        var error = await RefusedAsync(new JsonObject());

        Assert.Equal(
            ["comment", "product_version", "subject_identifier", "subject_type", "testcase"],
            error["validation_error"]!.AsArray().Select(e => (string)e!["loc"]![0]!).Order(StringComparer.Ordinal));
        Assert.All(error["validation_error"]!.AsArray(), e => Assert.Equal("missing", (string?)e!["type"]));
        Assert.All(["comment", "product_version", "subject_identifier", "subject_type", "testcase"],
            field => Assert.Contains($"{field}: Field required", (string?)error["message"], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("product_version")]
    [InlineData("comment")]
    [InlineData("testcase")]
    [InlineData("subject_identifier")]
    public async Task AnEmptyRequiredStringIsRefused(string field)
    {
        var error = await RefusedAsync(WaiverBody(change: b => b[field] = string.Empty));

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "String should have at least 1 character", "type": "string_too_short"}]""",
            error["validation_error"]);
    }

    [Theory]
    [InlineData("username", 256)]
    [InlineData("scenario", 256)]
    [InlineData("product_version", 201)]
    public async Task AnOverLongValueIsRefusedNamingTheField(string field, int length)
    {
        // bodhi may proxy, so only the length can be wrong with "username".
        var error = await RefusedAsync(WaiverBody(change: b => b[field] = new string('x', length)), user: "bodhi");

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "String should have at most {{length - 1}} characters", "type": "string_too_long"}]""",
            error["validation_error"]);
        Assert.StartsWith($"{field}: ", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValuesAtTheColumnLimitsAreStoredWhole()
    {
        var username = new string('u', 255);
        var scenario = new string('s', 255);
        var productVersion = new string('p', 200);

        var waiver = await CreateAsync(WaiverBody("limits-1.fc40", change: b =>
        {
            b["username"] = username;
            b["scenario"] = scenario;
            b["product_version"] = productVersion;
        }), user: "bodhi");

        var row = await StoredWaiverAsync((int)waiver["id"]!);
        Assert.Equal((username, scenario, productVersion, "bodhi"),
            ((string?)row["username"], (string?)row["scenario"], (string?)row["product_version"], (string?)row["proxied_by"]));
    }

    [Theory]
    [InlineData("comment")]
    [InlineData("testcase")]
    [InlineData("subject_type")]
    [InlineData("subject_identifier")]
    [InlineData("product_version")]
    [InlineData("scenario")]
    public async Task ANulCharacterIsRefusedNamingTheField(string field)
    {
        var error = await RefusedAsync(WaiverBody(change: b => b[field] = "before\0after"));

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "String should not contain NUL characters", "type": "string_nul"}]""",
            error["validation_error"]);
    }

    [Fact]
    public async Task ANulCharacterInALegacySubjectIsRefused()
    {
        var error = await RefusedAsync(WaiverBody(change: b =>
        {
            b.Remove("subject_type");
            b.Remove("subject_identifier");
            b["subject"] = new JsonObject { ["type"] = "koji_build", ["item"] = "nul\0-1.fc40" };
        }));

        AssertJson("""[{"loc": ["subject"], "msg": "String should not contain NUL characters", "type": "string_nul"}]""", error["validation_error"]);
    }

    [Fact]
    public async Task WrongTypesAreAllListedAtOnce()
    {
        var body = new JsonObject
        {
            ["comment"] = 5,
            ["waived"] = "maybe",
            ["result_id"] = "abc",
            ["subject"] = "x",
            ["product_version"] = "fedora-40",
        };

        var error = await RefusedAsync(body);

        AssertJson("""
            [{"loc": ["subject"], "msg": "Input should be a valid dictionary", "type": "dict_type"},
             {"loc": ["result_id"], "msg": "Input should be a valid integer", "type": "int_type"},
             {"loc": ["comment"], "msg": "Input should be a valid string", "type": "string_type"},
             {"loc": ["waived"], "msg": "Input should be a valid boolean", "type": "bool_type"}]
            """, error["validation_error"]);
        var message = (string?)error["message"];
        Assert.All(["comment", "waived", "result_id", "subject"], field => Assert.Contains($"{field}: ", message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("testcase", "[\"dist.a\"]", "string_type")]
    [InlineData("product_version", "27", "string_type")]
    [InlineData("scenario", "{}", "string_type")]
    [InlineData("username", "true", "string_type")]
    [InlineData("waived", "2", "bool_type")]
    [InlineData("waived", "[]", "bool_type")]
    [InlineData("result_id", "1.5", "int_type")]
    [InlineData("result_id", "true", "int_type")]
    [InlineData("subject", "[]", "dict_type")]
    public async Task AValueOfTheWrongTypeIsNamed(string field, string json, string type)
    {
        var body = WaiverBody(change: b => b[field] = JsonNode.Parse(json));
        if (field is "result_id" or "subject")
        {
            body.Remove("subject_type");
            body.Remove("subject_identifier");
        }

        if (field is "result_id")
        {
            body.Remove("testcase");
        }

        var error = await RefusedAsync(body);

        var item = Assert.Single(error["validation_error"]!.AsArray())!;
        AssertJson($$"""["{{field}}"]""", item["loc"]);
        Assert.Equal(type, (string?)item["type"]);
    }

    [Theory]
    [InlineData("\"false\"", false)]
    [InlineData("\"False\"", false)]
    [InlineData("\"no\"", false)]
    [InlineData("\"0\"", false)]
    [InlineData("0", false)]
    [InlineData("\"true\"", true)]
    [InlineData("\"yes\"", true)]
    [InlineData("1", true)]
    public async Task LaxBooleanFormsAreAccepted(string json, bool expected)
    {
        var waiver = await CreateAsync(WaiverBody("lax-1.fc40", change: b => b["waived"] = JsonNode.Parse(json)));

        Assert.Equal(expected, (bool)waiver["waived"]!);
        Assert.Equal(expected, (await StoredWaiverAsync((int)waiver["id"]!))["waived"]);
    }

    [Theory]
    [InlineData("{\"comment\": ")]
    [InlineData("{'comment': 'single quotes'}")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"a\": 1} {\"b\": 2}")]
    public async Task MalformedJsonIsRefusedWithAMessage(string body)
    {
        var error = await RefusedAsync(body);

        Assert.StartsWith("The request body is not valid JSON", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonNestedTooDeeplyIsRefused()
    {
        var body = WaiverBody().ToJsonString().TrimEnd('}') + ", \"extra\": " + new string('[', 100) + new string(']', 100) + "}";

        var error = await RefusedAsync(body);

        Assert.StartsWith("The request body is not valid JSON", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyWithDuplicateKeysIsRefused()
    {
        var body = WaiverBody().ToJsonString().TrimEnd('}') + ", \"comment\": \"second comment\"}";

        var error = await RefusedAsync(body);

        Assert.StartsWith("The request body is not valid JSON", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("comment", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"a waiver\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task ABodyThatIsNeitherAnObjectNorAListIsRefused(string body)
    {
        var error = await RefusedAsync(body);

        AssertJson("""[{"loc": [], "msg": "Input should be a valid dictionary or object", "type": "model_type"}]""", error["validation_error"]);
        Assert.Equal("Input should be a valid dictionary or object", (string?)error["message"]);
    }

    [Theory]
    [InlineData("testcase")]
    [InlineData("scenario")]
    [InlineData("subject_type")]
    public async Task ResultIdCombinedWithAResultFieldIsRefused(string field)
    {
        var body = new JsonObject
        {
            ["result_id"] = 1,
            [field] = "given",
            ["product_version"] = "fedora-40",
            ["comment"] = "ok",
        };

        var error = await RefusedAsync(body);

        AssertJson($$"""[{"loc": ["{{field}}"], "msg": "Must not be combined with result_id", "type": "value_error"}]""", error["validation_error"]);
        Assert.Equal($"{field}: Must not be combined with result_id", (string?)error["message"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ANonPositiveResultIdIsRefused(int resultId)
    {
        var error = await RefusedAsync(new JsonObject { ["result_id"] = resultId, ["product_version"] = "fedora-40", ["comment"] = "ok" });

        AssertJson("""[{"loc": ["result_id"], "msg": "Input should be greater than 0", "type": "greater_than"}]""", error["validation_error"]);
    }

    [Fact]
    public async Task AnUnknownKeyIsIgnored()
    {
        var waiver = await CreateAsync(WaiverBody("unknown-key-1.fc40", change: b => b["colour"] = "blue"));

        Assert.False(waiver.ContainsKey("colour"));
    }
}
