using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The hostile-input property of <see cref="HostileInputTests"/> for the administrators'
/// endpoints and the web pages, as an administrator, as a user who is not one, and without
/// credentials: no 5xx, nothing logged at Error, an error answer either JSON with a
/// <c>message</c> or an HTML page, nothing internal revealed, and the database changed only
/// as the answer says (a 200 revoke or removal, a created waiver).
/// </summary>
public sealed partial class AdminAndWebHostileInputTests : ServiceFixture
{
    private const int Iterations = 150;
    private const string Admin = "root";

    private static readonly Gen<string?> User = Gen.OneOf<string?>(Admin, "alice", null);

    // "{id}" becomes the id of a stored waiver when the request is made.
    private static readonly Gen<string> Id = Gen.Frequency(
        (4, Gen.Const("{id}")),
        (1, Gen.OneOf("0", "-1", "1", "2147483647", "2147483648", "99999999999999999999", "1e3", "abc", "%01", "%FF", "1;DROP", "..")));

    private static readonly string[] FormFields = ["subject_type", "subject_identifier", "testcase", "product_version", "comment", "scenario"];

    private static readonly string[] WebPaths =
    [
        "/", "/waivers/{id}", "/api/v1.0/waivers/new", "/api/v1.0/waivers/create", "/permissions", "/api/v1.0/permissions",
        "/auth/signin", "/auth/oidclogin", "/auth/dummy-login", "/api/v1.0/admin/audit",
    ];

    private readonly Dictionary<string, (HttpClient Browser, string Token)> _sessions = [];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    protected override void ConfigureSettings(JsonObject settings)
    {
        settings["ADMINS"] = new JsonObject { ["users"] = new JsonArray(Admin) };
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [{"name": "ci", "testcases": ["dist.*"], "users": ["alice", "root"]}]
            """);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await CreateAsync(WaiverBody());
        foreach (var user in new[] { Admin, "alice" })
        {
            var browser = Application.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var signIn = await TokenOfAsync(browser, "/auth/dummy-login");
            using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", signIn), new("username", user), new("next", "/")]);
            using var signedIn = await browser.PostAsync("/auth/dummy-login", form);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            _sessions[user] = (browser, await TokenOfAsync(browser, "/api/v1.0/waivers/new"));
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var (browser, _) in _sessions.Values)
        {
            browser.Dispose();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task AdminRevokeAndRemoveBodiesAndQueriesNeverCrash()
    {
        var reasonBody = Gen.Frequency(
            (4, HostileInput.Body([("reason", "\"wrong build\"")]).Select(b => (byte[]?)b)),
            (1, Gen.Const((byte[]?)null)));
        var gen = Gen.Select(Gen.Bool, Id, reasonBody, HostileInput.Query(["reason"]), User);
        await gen.SampleAsync(
            async (revoke, id, body, query, user) => await AssertHandledAsync(actual =>
            {
                var path = revoke ? $"/api/v1.0/admin/waivers/{id.Replace("{id}", actual, StringComparison.Ordinal)}/revoke"
                    : $"/api/v1.0/admin/waivers/{id.Replace("{id}", actual, StringComparison.Ordinal)}";
                var request = new HttpRequestMessage(revoke ? HttpMethod.Post : HttpMethod.Delete, path + "?" + query);
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }

                return request;
            }, user, $"{(revoke ? "revoke" : "remove")} {id}?{query} {(body is null ? "(no body)" : HostileInput.Describe(body))}"),
            iter: Iterations, threads: 1, print: t => $"{t.Item5} {(t.Item1 ? "revoke" : "remove")} {t.Item2}?{t.Item4}");
    }

    [Fact]
    public async Task WebPagesAndTheAuditLogNeverCrashOnHostileQueriesAndPaths()
    {
        var keys = new[]
        {
            "subject_type", "subject_identifier", "testcase", "scenario", "product_version", "username", "proxied_by", "since",
            "include_obsolete", "html", "next", "created", "waiver_id", "comment", "reason",
        };
        var gen = Gen.Select(Gen.OneOf(WebPaths), Id, HostileInput.Query(keys), User, Gen.Bool);
        await gen.SampleAsync(
            async (path, id, query, user, session) => await AssertHandledAsync(actual =>
                new HttpRequestMessage(HttpMethod.Get, path.Replace("{id}", id.Replace("{id}", actual, StringComparison.Ordinal), StringComparison.Ordinal) + "?" + query),
                user, $"GET {path} {id}?{query}", session),
            iter: Iterations, threads: 1, print: t => $"{t.Item4} session={t.Item5} GET {t.Item1} {t.Item2}?{t.Item3}");
    }

    [Fact]
    public async Task NewWaiverFormPostsNeverCrashAndARefusedOneStoresNothing()
    {
        var field = Gen.Select(Gen.Frequency((6, Gen.OneOf(FormFields)), (1, Gen.OneOf(HostileInput.KnownKeys)), (1, HostileInput.HostileString)),
            HostileInput.HostileString);
        var valid = Gen.OneOf(FormFields).Select(f => (f, f switch
        {
            "subject_type" => "koji_build",
            "subject_identifier" => "glibc-2.26-27.fc27",
            "testcase" => "dist.rpmdeplint",
            "product_version" => "fedora-27",
            "comment" => "This is fine",
            _ => string.Empty,
        }));
        var form = Gen.Select(valid.Array[0, 6], field.Array[0, 4]).Select((v, f) => v.Concat(f).ToArray());
        var token = Gen.Frequency((6, Gen.Const("{token}")), (1, HostileInput.HostileString), (1, Gen.Const("<none>")));
        var gen = Gen.Select(form, token, Gen.OneOf(Admin, "alice"), Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false))), Gen.Bool);
        await gen.SampleAsync(
            async (fields, formToken, user, session, raw) => await AssertHandledAsync(_ =>
            {
                var pairs = fields.ToList();
                if (formToken != "<none>")
                {
                    pairs.Add(("__RequestVerificationToken", formToken == "{token}" ? _sessions[user].Token : formToken));
                }

                // Raw: percent-escapes as a broken client writes them (lone %, invalid UTF-8).
                var text = string.Join('&', pairs.Select(p => raw
                    ? p.Item1 + "=" + p.Item2.Replace("&", "%26", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal)
                    : Uri.EscapeDataString(p.Item1) + "=" + EscapeOrMark(p.Item2)));
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/new") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text)) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                return request;
            }, session ? null : user, $"{user} session={session} {string.Join('&', fields.Select(f => f.Item1 + "=" + f.Item2))}", session, user),
            iter: Iterations, threads: 1, print: t => $"{t.Item3} session={t.Item4} raw={t.Item5} token={t.Item2} {string.Join(" & ", t.Item1.Select(f => f.Item1 + "=" + f.Item2))}");
    }

    [Fact]
    public async Task SignInAndSignOutFormsNeverCrash()
    {
        var gen = Gen.Select(Gen.OneOf("/auth/dummy-login", "/auth/signout"), HostileInput.HostileString, HostileInput.HostileString,
            Gen.Frequency((3, Gen.Const("{token}")), (1, HostileInput.HostileString)), Gen.OneOf<string?>(Admin, "alice", null));
        await gen.SampleAsync(
            async (path, username, next, formToken, user) =>
            {
                // A fresh browser, so that signing in or out does not change the shared sessions.
                using var browser = Application.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
                var token = formToken == "{token}" ? await TokenOfAsync(browser, "/auth/dummy-login") : formToken;
                await AssertHandledAsync(_ =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, path)
                    {
                        Content = new FormUrlEncodedContent([new("__RequestVerificationToken", Safe(token)), new("username", Safe(username)), new("next", Safe(next))]),
                    };
                    if (user is not null)
                    {
                        request.Headers.Authorization = Basic(user);
                    }

                    return request;
                }, null, $"POST {path} username={username} next={next}", client: browser);
            },
            iter: Iterations, threads: 1, print: t => $"{t.Item5} POST {t.Item1} username={t.Item2} next={t.Item3} token={t.Item4}");
    }

    [Theory]
    [InlineData("/api/v1.0/waivers/new")]
    [InlineData("/auth/dummy-login")]
    public async Task AFormWithAnUndecodableValueIsA400NotA500(string path)
    {
        // Found by the form property: a %00 made the anti-forgery check's form reading throw.
        var (browser, token) = _sessions[Admin];
        using var content = new StringContent($"__RequestVerificationToken={Uri.EscapeDataString(token)}&subject_type=a%00b&username=a%00b",
            Encoding.UTF8, "application/x-www-form-urlencoded");
        content.Headers.ContentType!.CharSet = null;

        using var response = await browser.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The form is not valid: The form value contains invalid characters.", (string?)(await ReadJsonAsync(response))["message"]);
        Assert.Empty(Application.Log.Errors);
        Assert.Equal(1, await CountWaiversAsync());
    }

    /// <summary>The property, for one request; <paramref name="make"/> gets the id of a stored waiver.</summary>
    private async Task AssertHandledAsync(Func<string, HttpRequestMessage> make, string? user, string description, bool session = false,
        string? sessionUser = null, HttpClient? client = null)
    {
        var waiverId = await StoredWaiverIdAsync();
        var before = await CountRowsAsync();
        var errorsBefore = Application.Log.Errors.Count;
        using var request = make(waiverId.ToString(CultureInfo.InvariantCulture));
        if (user is not null)
        {
            request.Headers.Authorization = Basic(user);
        }

        var sender = client ?? (session ? _sessions[sessionUser ?? user ?? Admin].Browser : Anonymous);
        if (session && sessionUser is null && client is null)
        {
            // A GET in a session: as the signed-in administrator.
            request.Headers.Authorization = null;
        }

        using var response = await sender.SendAsync(request);
        var text = HostileInput.WithoutJsonp(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        var status = (int)response.StatusCode;
        var after = await CountRowsAsync();
        var newErrors = Application.Log.Errors.Skip(errorsBefore).ToList();
        var context = $"{description}\n=> {status} {Shorten(text)}\nlogged: {string.Join('\n', newErrors)}";

        Assert.True(status < 500, context);
        Assert.True(newErrors.Count == 0, context);
        if (status >= 400)
        {
            var type = response.Content.Headers.ContentType?.MediaType;
            Assert.True(type == "text/html" ? text.Contains("</html>", StringComparison.OrdinalIgnoreCase) : HostileInput.HasMessage(text),
                $"an error that is neither an HTML page nor a JSON message: {context}");
            foreach (var internals in new[] { "   at ", "Exception", "Npgsql", "Dapper", "WaiverDb.Service", "/work/" })
            {
                Assert.False(text.Contains(internals, StringComparison.Ordinal), $"the answer reveals '{internals}': {context}");
            }
        }

        // Sending made the address absolute (the client's base address).
        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString;
        var created = status == 201 || (status == 302 && response.Headers.Location?.OriginalString.StartsWith("/waivers/", StringComparison.Ordinal) == true);
        if (status == 200 && request.Method == HttpMethod.Post && path.StartsWith("/api/v1.0/admin/", StringComparison.Ordinal))
        {
            Assert.True(after == (before.Waivers + 1, before.Audit + 1), $"a revoke stores one waiver and one audit row: {context}");
        }
        else if (status == 200 && request.Method == HttpMethod.Delete)
        {
            Assert.True(after == (before.Waivers - 1, before.Audit + 1), $"a removal deletes one waiver and adds one audit row: {context}");
        }
        else if (created && path.StartsWith("/api/v1.0/waivers/new", StringComparison.Ordinal))
        {
            Assert.True(after == (before.Waivers + 1, before.Audit), $"a created waiver is stored once: {context}");
        }
        else
        {
            Assert.True(before == after, $"rows changed by a request that changed nothing: {context}");
        }
    }

    private async Task<int> StoredWaiverIdAsync()
    {
        await using var db = OpenDatabase();
        // Removals may have deleted every waiver: keep one for the next request to aim at.
        return await db.QuerySingleOrDefaultAsync<int?>("SELECT max(id) FROM waiver WHERE waived") is { } id ? id
            : (int)(await CreateAsync(WaiverBody()))["id"]!;
    }

    private async Task<(long Waivers, long Audit)> CountRowsAsync()
    {
        await using var db = OpenDatabase();
        return await db.QuerySingleAsync<(long, long)>("SELECT (SELECT count(*) FROM waiver), (SELECT count(*) FROM waiverdb_admin_audit)");
    }

    private static async Task<string> TokenOfAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
        return WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
    }

    private static AuthenticationHeaderValue Basic(string user) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":x")));

    // FormUrlEncodedContent and Uri.EscapeDataString refuse lone surrogates; they go as a raw invalid byte instead.
    private static string Safe(string value) => new([.. value.Select(c => char.IsSurrogate(c) ? '\ufffd' : c)]);

    private static string EscapeOrMark(string value) => Uri.EscapeDataString(Safe(value));

    private static string Shorten(string text) =>
        text.Length > 400 ? text[..400] + "... (" + text.Length.ToString(CultureInfo.InvariantCulture) + " chars)" : text;
}
