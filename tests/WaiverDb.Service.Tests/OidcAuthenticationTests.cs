using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The OIDC method alone, outside development, against a provider on loopback: JWT access
/// tokens checked against discovery and JWKS, opaque tokens through introspection.
/// </summary>
public sealed class OidcAuthenticationTests : ServiceFixture
{
    private readonly OidcProvider _provider = new();

    protected override void ConfigureSettings(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["DEVELOPMENT"] = false;
        settings["AUTH_METHODS"] = new JsonArray("OIDC");
        settings["OIDC_CLIENT_SECRETS"] = _provider.SecretsFile;
        settings["PERMISSIONS"] = JsonNode.Parse("""
            [
              {"name": "dist", "testcases": ["dist.*"], "users": ["alice"], "groups": ["packagers"]}
            ]
            """);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _provider.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostWithTokenAsync(string token, JsonObject? body = null)
    {
        using var client = OidcProvider.WithBearer(Application.CreateClient(), token);
        var response = await client.PostAsync("/api/v1.0/waivers/", Json(body ?? WaiverBody()));
        return (response.StatusCode, await ReadJsonAsync(response), response);
    }

    private async Task AssertRefusedAsync(string token, string failure)
    {
        var (status, body, response) = await PostWithTokenAsync(token);
        using (response)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(["Bearer"], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            AssertJson(new JsonObject { ["message"] = $"Authentication failed (OIDC: {failure})" }.ToJsonString(), body);
        }

        Assert.Equal(0, await CountWaiversAsync());
    }

    [Fact]
    public async Task AValidJwtCreatesTheWaiverForItsPreferredUsername()
    {
        var (status, body, response) = await PostWithTokenAsync(_provider.Token("alice"));
        response.Dispose();

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("alice", (string?)body["username"]);
        var row = await StoredWaiverAsync((int)body["id"]!);
        Assert.Equal(("alice", null), ((string?)row["username"], (string?)row["proxied_by"]));
    }

    [Fact]
    public async Task AboutReportsOidc()
    {
        var about = await GetJsonAsync(Anonymous, "/api/v1.0/about");

        Assert.Equal("OIDC", (string?)about["auth_method"]);
    }

    [Fact]
    public async Task ARequestWithoutATokenGetsTheBearerChallenge()
    {
        using var response = await Anonymous.PostAsync("/api/v1.0/waivers/", Json(WaiverBody()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Bearer"], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        AssertJson("""{"message": "Authentication required: no credentials were sent (accepted: OIDC)"}""", await ReadJsonAsync(response));
    }

    [Fact]
    public async Task AGroupFromRealmAccessRolesGrantsThroughPermissionsGroups()
    {
        var (status, body, response) = await PostWithTokenAsync(_provider.Token("carol", roles: ["offline_access", "packagers"]));
        response.Dispose();

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("carol", (string?)body["username"]);
    }

    [Fact]
    public async Task WithoutTheGroupTheSameUserIsForbidden()
    {
        var (status, body, response) = await PostWithTokenAsync(_provider.Token("carol", roles: ["offline_access", "packagers-not"]));
        response.Dispose();

        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertJson("""{"message": "User carol is not authorized to submit results for the test case dist.rpmdeplint"}""", body);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var token = _provider.Token(change: d => (d.NotBefore, d.Expires, d.IssuedAt) =
            (DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(-2)));

        await AssertRefusedAsync(token, "the token has expired");
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerIsRefused()
    {
        await AssertRefusedAsync(_provider.Token(change: d => d.Issuer = "https://evil.example/realms/test"),
            $"the token's issuer is not {_provider.Issuer}");
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsRefused()
    {
        await AssertRefusedAsync(_provider.Token(change: d => d.Audience = "bodhi"), "the token's audience is not waiverdb");
    }

    [Fact]
    public async Task ATokenWithABadSignatureIsRefused()
    {
        // Another key under the published kid.
        var impostor = _provider.NewKey(_provider.Key.KeyId);

        await AssertRefusedAsync(_provider.Token(key: impostor), "the token's signature is invalid");
    }

    [Fact]
    public async Task ATokenSignedWithAnUnpublishedKeyIsRefused()
    {
        await AssertRefusedAsync(_provider.Token(key: _provider.NewKey("unpublished")),
            "the token is signed with a key the issuer does not publish (unknown kid)");
    }

    [Fact]
    public async Task AnUnknownKidIsNotTriedAgainstThePublishedKeys()
    {
        // The published key's material under a kid the JWKS does not list: accepted only if
        // every known key were tried (JwtBearer's default).
        await AssertRefusedAsync(_provider.Token(key: OidcProvider.WithKid(_provider.Key, "not-published")),
            "the token is signed with a key the issuer does not publish (unknown kid)");
    }

    [Fact]
    public async Task AKeyPublishedAfterRotationIsPickedUp()
    {
        var (status, _, response) = await PostWithTokenAsync(_provider.Token("alice"));
        response.Dispose();
        Assert.Equal(HttpStatusCode.Created, status);

        var rotated = _provider.NewKey("key-2");
        _provider.PublishKeys(_provider.Key, rotated);

        // The keys are cached; the unknown kid makes the service fetch them again.
        var created = false;
        for (var attempt = 0; attempt < 20 && !created; attempt++)
        {
            (status, _, response) = await PostWithTokenAsync(_provider.Token("alice", key: rotated),
                WaiverBody($"rotated-{attempt}-1.fc40"));
            response.Dispose();
            created = status == HttpStatusCode.Created;
            if (!created)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(created, $"a token signed with the rotated key was still refused: {(int)status}");
        var jwksFetches = _provider.Server.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/certs", StringComparison.Ordinal));
        Assert.Equal(2, jwksFetches);
    }

    [Fact]
    public async Task AnUnsignedTokenIsRefused()
    {
        await AssertRefusedAsync(_provider.UnsignedToken(), "the token is not signed (alg: none)");
    }

    [Fact]
    public async Task AMalformedJwtIsRefused()
    {
        await AssertRefusedAsync("eyJhbGciOiJSUzI1NiJ9.not-json.c2ln", "the token is not a well-formed JWT");
    }

    [Fact]
    public async Task AnUnreachableIssuerRefusesJwtsWithA401()
    {
        var token = _provider.Token("alice");
        _provider.Server.Stop();

        await AssertRefusedAsync(token, $"the issuer's discovery document or keys could not be fetched from {_provider.Issuer}");
    }

    [Fact]
    public async Task AnActiveOpaqueTokenIsIntrospectedWithTheClientsCredentialsAndCached()
    {
        _provider.Introspects("opaque-active-1", new JsonObject
        {
            ["active"] = true,
            ["preferred_username"] = "dora",
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
            ["realm_access"] = new JsonObject { ["roles"] = new JsonArray("packagers") },
        });

        var (status, body, response) = await PostWithTokenAsync("opaque-active-1");
        response.Dispose();
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("dora", (string?)body["username"]);

        (status, _, response) = await PostWithTokenAsync("opaque-active-1", WaiverBody("second-1.fc40"));
        response.Dispose();
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, _provider.IntrospectionCalls);
    }

    [Fact]
    public async Task AnInactiveOpaqueTokenIsRefused()
    {
        _provider.Introspects("opaque-revoked-1", new JsonObject { ["active"] = false });

        await AssertRefusedAsync("opaque-revoked-1", "the token is not active");
    }

    [Fact]
    public async Task AnActiveAnswerPastItsExpiryIsRefused()
    {
        _provider.Introspects("opaque-stale-1", new JsonObject
        {
            ["active"] = true, ["preferred_username"] = "dora", ["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(),
        });

        await AssertRefusedAsync("opaque-stale-1", "the token has expired");
    }

    [Fact]
    public async Task AnOpaqueTokenWithoutTheUsernameClaimIsRefused()
    {
        _provider.Introspects("opaque-nameless-1", new JsonObject { ["active"] = true, ["sub"] = "someone" });

        await AssertRefusedAsync("opaque-nameless-1", "the token has no preferred_username claim to name the user");
    }

    [Fact]
    public async Task AFailingIntrospectionEndpointLetsNobodyIn()
    {
        _provider.Introspects("opaque-error-1", new JsonObject { ["error"] = "server_error" }, status: 500);

        await AssertRefusedAsync("opaque-error-1", "the token could not be checked: the introspection endpoint answered 500");
    }

    [Fact]
    public async Task AnUnreachableIntrospectionEndpointLetsNobodyIn()
    {
        _provider.Server.Stop();

        await AssertRefusedAsync("opaque-unreachable-1", "the token could not be checked: the introspection endpoint did not answer");
    }
}
