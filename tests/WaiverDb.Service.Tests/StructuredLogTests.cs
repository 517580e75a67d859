using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaiverDb.Service.Hosting;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// What <c>oc logs -f</c> shows: the real service process writes one JSON object per line,
/// one line per request with who asked for what, and never a credential.
/// </summary>
public sealed class StructuredLogTests : IAsyncLifetime
{
    private const string BasicPassword = "basic-pw-55d1c0";
    private const string BearerToken = "bearer-tok-8e4f77";
    private const string DatabasePassword = "db-pw-9f3c1e42";
    private const string QueryToken = "qs-secret-7a2b19";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryLineIsJsonAndEachRequestIsLoggedWithItsUserButNoCredential()
    {
        await using var service = Start(new() { ["DATABASE_PASSWORD"] = DatabasePassword });
        await service.WaitUntilHealthyAsync(StartTimeout);

        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + BasicPassword));
        using (var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/"))
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            post.Content = JsonContent.Create(new JsonObject
            {
                ["subject_type"] = "koji_build",
                ["subject_identifier"] = "bash-5.2-1.fc40",
                ["testcase"] = "dist.rpmdeplint",
                ["product_version"] = "fedora-40",
                ["comment"] = "logged",
            });
            using var response = await client.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using (var get = new HttpRequestMessage(HttpMethod.Get, $"/api/v1.0/waivers/?access_token={QueryToken}&limit=5"))
        {
            get.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            using var response = await client.SendAsync(get);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var about = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/about"))
        {
            about.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BearerToken);
            using var response = await client.SendAsync(about);
        }

        using (var missing = await client.GetAsync("/api/v1.0/nothing-here"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var requests = await RequestLinesAsync(service, expected: 4, path => path != "/healthcheck");
        var created = Assert.Single(requests, r => (string?)r["Method"] == "POST");
        Assert.Equal(("/api/v1.0/waivers/", 201, "alice"), ((string?)created["Path"], (int?)created["Status"], (string?)created["User"]));
        var listed = Assert.Single(requests, r => (string?)r["Path"] == "/api/v1.0/waivers/" && (string?)r["Method"] == "GET");
        Assert.Equal((200, "alice"), ((int?)listed["Status"], (string?)listed["User"]));
        Assert.Equal("-", (string?)Assert.Single(requests, r => (string?)r["Path"] == "/api/v1.0/about")["User"]);
        Assert.Equal(404, (int?)Assert.Single(requests, r => (string?)r["Path"] == "/api/v1.0/nothing-here")["Status"]);
        Assert.All(requests, r =>
        {
            Assert.False(string.IsNullOrEmpty((string?)r["RequestId"]));
            Assert.True((double?)r["DurationMs"] >= 0);
        });

        var output = service.Output;
        foreach (var secret in new[] { BasicPassword, basic, BearerToken, DatabasePassword, QueryToken })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LogFormatTextWritesPlainLinesForDevelopment()
    {
        await using var service = Start(new() { ["LOG_FORMAT"] = "text" });
        await service.WaitUntilHealthyAsync(StartTimeout);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!service.Output.Contains("GET /healthcheck 200 in ", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var line = Assert.Single(Lines(service.Output), l => l.Contains("GET /healthcheck 200 in ", StringComparison.Ordinal) && l.Contains("by -", StringComparison.Ordinal));
        Assert.False(line.StartsWith('{'), line);
    }

    [Fact]
    public async Task AnUnknownLogFormatStopsStartUp()
    {
        await using var service = Start(new() { ["LOG_FORMAT"] = "xml" });

        Assert.Equal(2, await service.WaitForExitAsync(StartTimeout));
        Assert.Contains("LOG_FORMAT: 'xml' is not json or text", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStalledStdoutDropsLogLinesInsteadOfStoppingRequests()
    {
        await using var service = Start([]);
        await service.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        // Nothing reads stdout now: the pipe fills after a few hundred lines, then the
        // logger's queue after its length. Requests beyond both must still be answered.
        service.PauseOutput();
        var requests = StructuredLogging.LogQueueLength + 3_000;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel.Token }, async (_, ct) =>
        {
            using var response = await client.GetAsync("/api/v1.0/about", ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        // Once stdout moves again the logger says what it dropped, with the first line it
        // can queue after that: requests go on until the queue has drained enough for one.
        service.ResumeOutput();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!service.Output.Contains("dropped", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            using var after = await client.GetAsync("/api/v1.0/about?after=stall");
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            await Task.Delay(200);
        }

        Assert.Contains("message(s) dropped", service.Output, StringComparison.Ordinal);
    }

    private ServiceProcess Start(Dictionary<string, string?> environment)
    {
        environment["DATABASE_URI"] = _postgres.Uri(_database);
        environment["DEVELOPMENT"] = "true";
        environment["AUTH_METHODS"] = """["dummy"]""";
        return ServiceProcess.Start(environment);
    }

    /// <summary>
    /// Waits until <paramref name="expected"/> request lines matching <paramref name="path"/> are out
    /// (the console logger writes from a queue), checking that every line so far is a JSON
    /// object with a timestamp, level and message; returns the request lines' fields.
    /// </summary>
    private static async Task<List<JsonObject>> RequestLinesAsync(ServiceProcess service, int expected, Func<string?, bool> path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var requests = new List<JsonObject>();
            foreach (var line in Lines(service.Output))
            {
                JsonObject entry;
                try
                {
                    entry = JsonNode.Parse(line)!.AsObject();
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    throw new InvalidOperationException($"not a JSON object: {line}", e);
                }

                Assert.True(DateTime.TryParse((string?)entry["Timestamp"], out _), line);
                Assert.False(string.IsNullOrEmpty((string?)entry["LogLevel"]), line);
                Assert.False(string.IsNullOrEmpty((string?)entry["Message"]), line);
                if ((string?)entry["Category"] == "WaiverDb.Requests" && entry["State"] is JsonObject state && path((string?)state["Path"]))
                {
                    requests.Add(state);
                }
            }

            if (requests.Count >= expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, requests.Count);
                return requests;
            }

            await Task.Delay(100);
        }
    }

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
