using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json.Nodes;
using WaiverDb.Service.Auth.Kerberos;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The Kerberos method end to end: a real MIT KDC with a throwaway realm on 127.0.0.1, a
/// keytab for <c>HTTP/localhost</c>, alice's ticket from kinit, and the service process
/// on a Kestrel loopback port, addressed as <c>localhost</c>.
/// </summary>
[Collection(KerberosCollection.Name)]
public sealed class KerberosTests(KerberosFixture fixture)
{
    private static readonly JsonObject Waiver = new()
    {
        ["subject_type"] = "koji_build",
        ["subject_identifier"] = "krb5-1.21-1.fc40",
        ["testcase"] = "dist.rpmdeplint",
        ["product_version"] = "fedora-40",
        ["comment"] = "waived with a Kerberos ticket",
    };

    [KerberosFact]
    public async Task AnHttpClientWithDefaultCredentialsCreatesAWaiverAsThePrincipalWithoutItsRealm()
    {
        using var handler = new SocketsHttpHandler { Credentials = CredentialCache.DefaultCredentials };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Address(fixture.Service) };

        using var response = await client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}\n{fixture.Service.Output}");
        Assert.Equal("alice", (string?)JsonNode.Parse(body)!["username"]);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Negotiate", challenge.Scheme);
        Assert.False(string.IsNullOrEmpty(challenge.Parameter), "the 201 carries no mutual-authentication token");
    }

    [KerberosFact]
    public async Task TheMutualAuthenticationTokenProvesTheServerToTheClient()
    {
        using var kerberos = ClientFor("HTTP/localhost");
        using var client = new HttpClient { BaseAddress = fixture.Address(fixture.Service) };

        using var response = await PostWithTokenAsync(client, InitialToken(kerberos));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Negotiate", challenge.Scheme);
        kerberos.GetOutgoingBlob(challenge.Parameter, out var status);
        Assert.Equal(NegotiateAuthenticationStatusCode.Completed, status);
        Assert.True(kerberos.IsAuthenticated);
    }

    [KerberosFact]
    public async Task ARequestWithoutCredentialsIsChallengedWithNegotiate()
    {
        using var client = new HttpClient { BaseAddress = fixture.Address(fixture.Service) };

        using var response = await client.PostAsJsonAsync("/api/v1.0/waivers/", Waiver);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Negotiate"], response.Headers.GetValues("WWW-Authenticate"));
        var message = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"];
        Assert.Equal("Authentication required: no credentials were sent (accepted: Kerberos)", message);
    }

    [KerberosTheory]
    [InlineData("Zm9v", "Kerberos: the Negotiate token is not a valid SPNEGO/Kerberos token")]
    [InlineData("not*base64", "Kerberos: the Negotiate token is not valid base64")]
    public async Task AGarbledTokenIsRefusedWithAClearMessage(string token, string expected)
    {
        using var client = new HttpClient { BaseAddress = fixture.Address(fixture.Service) };
        var before = await fixture.CountWaiversAsync();

        using var response = await PostWithTokenAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Negotiate"], response.Headers.GetValues("WWW-Authenticate"));
        var message = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"];
        Assert.Equal($"Authentication failed ({expected})", message);
        Assert.Equal(before, await fixture.CountWaiversAsync());
    }

    [KerberosFact]
    public async Task ATicketForAServicePrincipalNotInTheKeytabIsRefused()
    {
        // This service's keytab holds only HTTP/elsewhere: alice's ticket for HTTP/localhost
        // cannot be decrypted there.
        await using var service = await fixture.StartServiceAsync(fixture.OtherKeytab);
        using var kerberos = ClientFor("HTTP/localhost");
        using var client = new HttpClient { BaseAddress = fixture.Address(service) };

        var token = InitialToken(kerberos);

        using var response = await PostWithTokenAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"];
        Assert.StartsWith("Authentication failed (Kerberos: the ticket was not accepted", message, StringComparison.Ordinal);
        Assert.Contains("Kerberos: a Negotiate token was rejected", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token[..40], service.Output, StringComparison.Ordinal);
    }

    [KerberosFact]
    public async Task ATicketFromAnotherRealmIsRefused()
    {
        await using var other = await KerberosRealm.StartAsync("ELSEWHERE.TEST");
        await other.AddUserAsync("mallory", "mallory-password");
        await other.AddServiceAsync("HTTP/localhost", "http.keytab");
        var cache = await other.KinitAsync("mallory", "mallory-password");

        // The client's ticket comes from the other realm's KDC, for that realm's HTTP/localhost.
        // The tests of this collection run one at a time, so the environment is theirs.
        string token;
        NativeEnvironment.Set("KRB5_CONFIG", other.Krb5Config);
        NativeEnvironment.Set("KRB5CCNAME", cache);
        try
        {
            using var kerberos = ClientFor("HTTP/localhost");
            token = InitialToken(kerberos);
        }
        finally
        {
            fixture.UseRealm();
        }

        using var client = new HttpClient { BaseAddress = fixture.Address(fixture.Service) };
        using var response = await PostWithTokenAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["message"];
        Assert.StartsWith("Authentication failed (Kerberos: the ticket was not accepted", message, StringComparison.Ordinal);
    }

    [KerberosFact]
    public async Task AboutReportsKerberosWhenItIsTheFirstMethod()
    {
        using var client = new HttpClient { BaseAddress = fixture.Address(fixture.Service) };

        var about = await client.GetFromJsonAsync<JsonObject>("/api/v1.0/about");

        Assert.Equal("Kerberos", (string?)about!["auth_method"]);
    }

    [Fact]
    public async Task AKeytabThatDoesNotExistStopsStartUpNamingKrb5Ktname()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@127.0.0.1:1/waiverdb",
            ["AUTH_METHODS"] = """["Kerberos"]""",
            ["KRB5_KTNAME"] = "FILE:/nonexistent/http.keytab",
        });

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("KRB5_KTNAME: the keytab '/nonexistent/http.keytab' does not exist", service.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice@WAIVERDB.TEST", "alice")]
    [InlineData("HTTP/host.example@EXAMPLE.TEST", "HTTP/host.example")]
    [InlineData("bob", "bob")]
    [InlineData("", "")]
    public void TheUserNameIsThePrincipalWithoutItsRealm(string principal, string expected) =>
        Assert.Equal(expected, KerberosAuthenticationHandler.UserName(principal));

    private static NegotiateAuthentication ClientFor(string target) => new(new NegotiateAuthenticationClientOptions
    {
        Package = "Negotiate",
        TargetName = target,
        RequiredProtectionLevel = ProtectionLevel.None,
        RequireMutualAuthentication = true,
    });

    private static string InitialToken(NegotiateAuthentication kerberos)
    {
        var token = kerberos.GetOutgoingBlob((string?)null, out var status);
        Assert.True(token is not null && status is NegotiateAuthenticationStatusCode.ContinueNeeded or NegotiateAuthenticationStatusCode.Completed,
            $"the client could not make a token: {status}");
        return token!;
    }

    private static async Task<HttpResponseMessage> PostWithTokenAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/")
        {
            Content = JsonContent.Create(Waiver),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Negotiate", token);
        return await client.SendAsync(request);
    }
}
