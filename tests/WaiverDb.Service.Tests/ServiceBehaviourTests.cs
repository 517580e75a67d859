using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>What every endpoint shares: the JSON error shape, health check, metrics and CORS.</summary>
public sealed class ServiceBehaviourTests : ServiceFixture
{
    private const string Bodhi = "https://bodhi.fedoraproject.org";

    protected override void ConfigureSettings(JsonObject settings) =>
        settings["CORS_ORIGINS"] = new JsonArray(Bodhi);

    [Fact]
    public async Task HealthCheckAnswersPlainTextWhenTheDatabaseAnswers()
    {
        using var response = await Anonymous.GetAsync("/healthcheck");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Health check OK", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1.0/nothing")]
    [InlineData("/api/v2.0/waivers/")]
    // "/" is the start page of the web side now.
    [InlineData("/nothing-here")]
    public async Task UnknownUrlsAreJson404s(string url)
    {
        using var response = await Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("The requested URL was not found on the server.", (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Theory]
    [InlineData("DELETE", "/api/v1.0/waivers/1")]
    [InlineData("PUT", "/api/v1.0/waivers/")]
    [InlineData("GET", "/api/v1.0/waivers/+filtered")]
    [InlineData("POST", "/api/v1.0/about")]
    public async Task WrongMethodsAreJson405s(string method, string url)
    {
        using var response = await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("The method is not allowed for the requested URL.", (string?)(await ReadJsonAsync(response))["message"]);
    }

    [Fact]
    public async Task AnUnexpectedFailureIsAJson500WithoutInternals()
    {
        await using (var db = OpenDatabase())
        {
            await db.ExecuteAsync("ALTER TABLE waiver RENAME TO waiver_gone");
        }

        try
        {
            using var response = await Anonymous.GetAsync("/api/v1.0/waivers/1");

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("The server encountered an internal error", (string?)JsonNode.Parse(body)!["message"]);
            Assert.DoesNotContain("relation", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        }
        finally
        {
            await using var db = OpenDatabase();
            await db.ExecuteAsync("ALTER TABLE waiver_gone RENAME TO waiver");
        }
    }

    [Theory]
    [InlineData("{", "The request body is not valid JSON")]
    [InlineData("", "The request body is not valid JSON")]
    [InlineData("""{"comment": "a", "comment": "b"}""", "Duplicate property 'comment'")]
    public async Task MalformedBodiesAre400sSayingWhy(string body, string expected)
    {
        using var client = As("alice");
        using var response = await client.PostAsync("/api/v1.0/waivers/", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)(await ReadJsonAsync(response))["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorsAllowsTheConfiguredOriginsOnly()
    {
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        allowed.Headers.Add("Origin", Bodhi);
        using var allowedResponse = await Anonymous.SendAsync(allowed);
        Assert.Equal(Bodhi, allowedResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1.0/waivers/");
        preflight.Headers.Add("Origin", Bodhi);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        using var preflightResponse = await Anonymous.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Contains("POST", preflightResponse.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about");
        other.Headers.Add("Origin", "https://evil.example");
        using var otherResponse = await Anonymous.SendAsync(other);
        Assert.False(otherResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task MetricsCountRequestsPerRouteAndStatus()
    {
        await CreateAsync(WaiverBody());
        using (await Anonymous.GetAsync("/api/v1.0/waivers/987654"))
        {
        }

        using var response = await Anonymous.GetAsync("/api/v1.0/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Matches("""http_requests_received_total\{code="404",method="GET",controller="",action="",endpoint="/api/v1.0/waivers/\{id:int\}"\} [1-9]""", text);
        Assert.Matches("""http_requests_received_total\{code="201",method="POST",controller="",action="",endpoint="/api/v1.0/waivers/"\} [1-9]""", text);
        Assert.Contains("http_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE waiverdb_database_errors_total counter", text, StringComparison.Ordinal);

        // Upstream's metric names, which existing dashboards use.
        Assert.Matches(@"(?m)^db_engine_connect_total [1-9]", text);
        Assert.Contains("# TYPE db_handle_error_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE db_dbapi_error_total counter", text, StringComparison.Ordinal);
    }
}
