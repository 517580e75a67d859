using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// Property-based hostile input against every endpoint, in-process on a real PostgreSQL:
/// generated bodies, query strings and headers (wrong types, missing, extra and repeated
/// keys, deep nesting, huge values, invalid UTF-8, NUL and control characters, unicode edge
/// cases, SQL and script fragments, numbers out of range). The property, for each request:
/// no 5xx; an error is JSON with a <c>message</c>; nothing internal in the answer; nothing
/// logged at Error; and the database unchanged unless the answer says waivers were created,
/// in which case exactly those are stored.
/// </summary>
public sealed class HostileInputTests : ServiceFixture
{
    // Bounded so that the whole class stays within seconds; CsCheck prints the seed of a failure.
    private const int Iterations = 250;

    private static readonly (string, string)[] ValidWaiver =
    [
        ("subject_type", "\"koji_build\""), ("subject_identifier", "\"glibc-2.26-27.fc27\""), ("testcase", "\"dist.rpmdeplint\""),
        ("product_version", "\"fedora-27\""), ("comment", "\"This is fine\""), ("waived", "true"), ("scenario", "null"),
    ];

    private static readonly (string, string)[] ValidFilter =
    [
        ("subject_type", "\"koji_build\""), ("subject_identifier", "\"glibc-2.26-27.fc27\""), ("testcase", "\"dist.rpmdeplint\""),
        ("product_version", "\"fedora-27\""), ("since", "\"2017-03-16T17:42:04\""),
    ];

    private static readonly (string, string)[] ValidResult =
    [
        ("subject", "{\"type\": \"koji_build\", \"item\": \"glibc-2.26-27.fc27\"}"), ("testcase", "\"dist.rpmdeplint\""),
    ];

    // Not %00: the test host itself refuses a NUL in the path (Kestrel answers 400).
    private static readonly string[] GetPaths =
    [
        "/api/v1.0/waivers/", "/api/v1.0/waivers/1", "/api/v1.0/about", "/api/v1.0/config", "/api/v1.0/permissions", "/healthcheck",
        "/api/v1.0/metrics", "/api/v1.0/waivers/+filtered",
    ];

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [{"name": "ci", "testcases": ["dist.*", "fedora-ci.*"], "testcases_ignore": ["dist.secret*"], "users": ["alice", "packager"]}]
            """);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Something to find, so that reads have rows to serialize.
        await CreateAsync(WaiverBody());
    }

    [Fact]
    public async Task CreateBodiesNeverCrashAndARefusedOneStoresNothing()
    {
        var gen = Gen.Select(HostileInput.Body(ValidWaiver), Gen.OneOf("alice", "bodhi", "mallory"));
        await gen.SampleAsync(
            async (body, user) => await AssertHandledAsync(() => Post("/api/v1.0/waivers/", body, user), HostileInput.Describe(body)),
            iter: Iterations, threads: 1, print: t => $"{t.Item2}: {HostileInput.Describe(t.Item1)}");
    }

    [Fact]
    public async Task FilteredBodiesNeverCrash()
    {
        var gen = Gen.Frequency(
            (3, Gen.Select(HostileInput.Mutated(ValidFilter).Array[0, 4], HostileInput.Value(1))
                .Select((filters, obsolete) => Encoding.UTF8.GetBytes(HostileInput.Object([("filters", "[" + string.Join(',', filters) + "]"), ("include_obsolete", obsolete)])))),
            (1, HostileInput.Body([("filters", "[" + HostileInput.Object(ValidFilter) + "]"), ("include_obsolete", "false")])));
        await gen.SampleAsync(
            async body => await AssertHandledAsync(() => Post("/api/v1.0/waivers/+filtered", body, null), HostileInput.Describe(body)),
            iter: Iterations, threads: 1, print: HostileInput.Describe);
    }

    [Fact]
    public async Task BySubjectsAndTestcasesBodiesNeverCrash()
    {
        var gen = Gen.Frequency(
            (3, Gen.Select(HostileInput.Mutated(ValidResult).Array[0, 4], HostileInput.Value(1), HostileInput.Value(1))
                .Select((results, since, user) => Encoding.UTF8.GetBytes(HostileInput.Object(
                    [("results", "[" + string.Join(',', results) + "]"), ("since", since), ("username", user), ("product_version", "\"fedora-27\"")])))),
            (1, HostileInput.Body([("results", "[" + HostileInput.Object(ValidResult) + "]"), ("include_obsolete", "false")])));
        await gen.SampleAsync(
            async body => await AssertHandledAsync(() => Post("/api/v1.0/waivers/+by-subjects-and-testcases", body, null), HostileInput.Describe(body)),
            iter: Iterations, threads: 1, print: HostileInput.Describe);
    }

    [Fact]
    public async Task QueryStringsAndPathsOfEveryReadNeverCrash()
    {
        var keys = new[] { "subject_type", "subject_identifier", "testcase", "scenario", "product_version", "username", "proxied_by", "since", "include_obsolete", "html" };
        var path = Gen.Frequency(
            (4, Gen.OneOf(GetPaths)),
            (1, Gen.OneOf("-1", "0", "2147483648", "99999999999999999999", "1e3", "abc", "%01", "%FF", "1%2F..%2F..", "+filtered", "..", "1;DROP")
                .Select(id => "/api/v1.0/waivers/" + id)));
        var gen = Gen.Select(path, HostileInput.Query(keys));
        await gen.SampleAsync(
            async (p, query) => await AssertHandledAsync(() => new HttpRequestMessage(HttpMethod.Get, p + "?" + query), p + "?" + query),
            iter: Iterations, threads: 1, print: t => t.Item1 + "?" + t.Item2);
    }

    [Fact]
    public async Task HostileHeadersOnEveryEndpointNeverCrash()
    {
        var endpoint = Gen.OneOf(
            (HttpMethod.Post, "/api/v1.0/waivers/"), (HttpMethod.Post, "/api/v1.0/waivers/+filtered"),
            (HttpMethod.Post, "/api/v1.0/waivers/+by-subjects-and-testcases"), (HttpMethod.Get, "/api/v1.0/waivers/"),
            (HttpMethod.Get, "/api/v1.0/waivers/1"), (HttpMethod.Get, "/api/v1.0/about"), (HttpMethod.Get, "/api/v1.0/permissions"),
            (HttpMethod.Put, "/api/v1.0/waivers/1"), (HttpMethod.Delete, "/api/v1.0/waivers/1"), (HttpMethod.Options, "/api/v1.0/waivers/"));
        var gen = Gen.Select(endpoint, HostileInput.Header.Array[1, 4]);
        await gen.SampleAsync(
            async (target, headers) => await AssertHandledAsync(() =>
            {
                var request = new HttpRequestMessage(target.Item1, target.Item2);
                if (target.Item1 == HttpMethod.Post)
                {
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(HostileInput.Object(target.Item2.EndsWith('/') ? ValidWaiver
                        : target.Item2.Contains("filtered", StringComparison.Ordinal) ? [("filters", "[" + HostileInput.Object(ValidFilter) + "]")]
                        : [("results", "[" + HostileInput.Object(ValidResult) + "]")])));
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }

                foreach (var (name, value) in headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, value))
                    {
                        request.Content?.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                return request;
            }, $"{target.Item1} {target.Item2} {string.Join(" | ", headers)}"),
            iter: Iterations, threads: 1, print: t => $"{t.Item1.Item1} {t.Item1.Item2} {string.Join(" | ", t.Item2)}");
    }

    private static HttpRequestMessage Post(string path, byte[] body, string? user)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":x")));
        }

        return request;
    }

    /// <summary>The property, for one request.</summary>
    private async Task AssertHandledAsync(Func<HttpRequestMessage> make, string description)
    {
        var (waiversBefore, outboxBefore) = await CountRowsAsync();
        var errorsBefore = Application.Log.Errors.Count;
        using var request = make();
        var isCreate = request.Method == HttpMethod.Post && request.RequestUri!.OriginalString == "/api/v1.0/waivers/";
        using var response = await Anonymous.SendAsync(request);
        var text = HostileInput.WithoutJsonp(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

        var status = (int)response.StatusCode;
        var (waiversAfter, outboxAfter) = await CountRowsAsync();
        var newErrors = Application.Log.Errors.Skip(errorsBefore).ToList();
        var context = $"{description}\n=> {status} {Shorten(text)}\nlogged: {string.Join('\n', newErrors)}";

        Assert.True(status < 500, context);
        Assert.True(newErrors.Count == 0, context);
        if (status >= 400)
        {
            Assert.True(HostileInput.HasMessage(text), $"an error without a JSON message: {context}");
            foreach (var internals in new[] { "   at ", "Exception", "Npgsql", "Dapper", "WaiverDb.Service", "/work/" })
            {
                Assert.False(text.Contains(internals, StringComparison.Ordinal), $"the answer reveals '{internals}': {context}");
            }
        }

        if (isCreate && status == 201)
        {
            // Exactly what the answer lists was stored (publishing is off: no outbox rows).
            var node = JsonNode.Parse(text)!;
            var created = node is JsonArray list ? [.. list.Select(w => w!.AsObject())] : new List<JsonObject> { node.AsObject() };
            Assert.Equal(waiversBefore + created.Count, waiversAfter);
            await using var db = OpenDatabase();
            foreach (var waiver in created)
            {
                var comment = await db.QuerySingleAsync<string>("SELECT comment FROM waiver WHERE id = @id", new { id = (int)waiver["id"]! });
                Assert.Equal((string?)waiver["comment"], comment);
            }
        }
        else
        {
            Assert.True((waiversBefore, outboxBefore) == (waiversAfter, outboxAfter), $"rows changed by a request that created nothing: {context}");
        }
    }

    private async Task<(long Waivers, long Outbox)> CountRowsAsync()
    {
        await using var db = OpenDatabase();
        return await db.QuerySingleAsync<(long, long)>("SELECT (SELECT count(*) FROM waiver), (SELECT count(*) FROM waiverdb_outbox)");
    }

    private static string Shorten(string text) =>
        text.Length > 400 ? text[..400] + "... (" + text.Length.ToString(CultureInfo.InvariantCulture) + " chars)" : text;
}
