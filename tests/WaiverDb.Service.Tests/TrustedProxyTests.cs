using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// Behind the OpenShift router the paging links of <c>GET /waivers/</c> must be the public
/// https URL: X-Forwarded-Proto and X-Forwarded-Host are honoured from TRUSTED_PROXIES
/// only. These run the real service on loopback, so the proxy's address is 127.0.0.1.
/// </summary>
public sealed class TrustedProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private PostgresServer _postgres = null!;
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("""["127.0.0.1"]""", true)]
    [InlineData("""["10.128.0.0/14", "127.0.0.0/8"]""", true)]
    [InlineData("""["10.128.0.0/14"]""", false)]
    [InlineData(null, false)]
    public async Task ForwardedSchemeAndHostMakeThePagingLinksOnlyFromATrustedProxy(string? trustedProxies, bool honoured)
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
            ["TRUSTED_PROXIES"] = trustedProxies,
        });
        await service.WaitUntilHealthyAsync(StartTimeout);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        await CreateWaiversAsync(client, 2);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1.0/waivers/?limit=1");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "waiverdb.example.org");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var origin = honoured ? "https://waiverdb.example.org" : service.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal($"{origin}/api/v1.0/waivers/?page=2&limit=1", (string?)page["next"]);
        Assert.Equal($"{origin}/api/v1.0/waivers/?page=1&limit=1", (string?)page["first"]);
        Assert.Equal($"{origin}/api/v1.0/waivers/?page=2&limit=1", (string?)page["last"]);
    }

    [Fact]
    public async Task AnInvalidTrustedProxyStopsStartUp()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
            ["TRUSTED_PROXIES"] = """["router.example.org"]""",
        });

        Assert.Equal(2, await service.WaitForExitAsync(StartTimeout));
        Assert.Contains("TRUSTED_PROXIES: 'router.example.org' is not an IP address or network", service.Output, StringComparison.Ordinal);
    }

    private static async Task CreateWaiversAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/");
            post.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
            post.Content = JsonContent.Create(new JsonObject
            {
                ["subject_type"] = "koji_build",
                ["subject_identifier"] = $"bash-5.2-{i}.fc40",
                ["testcase"] = "dist.rpmdeplint",
                ["product_version"] = "fedora-40",
                ["comment"] = "paging",
            });
            using var response = await client.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }
}
