using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// The provider's browser sign-in, the authorization-code flow with PKCE: the authorize
/// endpoint signs <see cref="SignInUser"/> in at once (no login page) and redirects back
/// with a code; the token endpoint gives tokens for a code only with the client's
/// credentials, the same redirect URI and a code_verifier whose S256 hash is the challenge.
/// </summary>
public sealed partial class OidcProvider
{
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new();
    private readonly ConcurrentQueue<string> _refusals = new();

    /// <summary>Who the next browser sign-in is for.</summary>
    public string SignInUser { get; set; } = "alice";

    /// <summary>The realm roles the next sign-in puts in the access token only (as Keycloak does).</summary>
    public string[] SignInRoles { get; set; } = [];

    /// <summary>The realm roles the next sign-in's userinfo answer alone holds.</summary>
    public string[] SignInUserinfoRoles { get; set; } = [];

    /// <summary>Codes redeemed with a correct PKCE verifier.</summary>
    public int VerifiedCodeExchanges { get; private set; }

    /// <summary>Why the token endpoint refused requests, if it did.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    /// <summary>The access token of the last sign-in.</summary>
    public string? LastAccessToken { get; private set; }

    /// <summary>Turns on the authorize, token and userinfo endpoints.</summary>
    public void EnableSignIn()
    {
        var discovery = Discovery();
        discovery["userinfo_endpoint"] = Issuer + "/protocol/openid-connect/userinfo";
        PublishDiscovery(discovery);
        Server.Given(Request.Create().WithPath(RealmPath + "/protocol/openid-connect/userinfo").UsingGet())
            .RespondWith(Response.Create().WithCallback(UserInfo));
        Server.Given(Request.Create().WithPath(RealmPath + "/protocol/openid-connect/auth").UsingGet())
            .RespondWith(Response.Create().WithCallback(Authorize));
        Server.Given(Request.Create().WithPath(RealmPath + "/protocol/openid-connect/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(RedeemCode));
    }

    private IResponseMessage Authorize(IRequestMessage request)
    {
        string? Arg(string name) => request.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
        if (Arg("response_type") != "code" || Arg("client_id") != ClientId || Arg("code_challenge_method") != "S256"
            || Arg("code_challenge") is not { Length: > 0 } challenge || Arg("redirect_uri") is not { } redirect
            || Arg("state") is not { } state || Arg("nonce") is not { } nonce || !(Arg("scope") ?? string.Empty).Split(' ').Contains("openid"))
        {
            return Answer(400, new JsonObject { ["error"] = "invalid_request" });
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new PendingCode(SignInUser, SignInRoles, nonce, challenge, redirect);
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new ResponseMessage
        {
            StatusCode = 302,
            Headers = new Dictionary<string, WireMockList<string>>
            {
                ["Location"] = new($"{redirect}{separator}code={code}&state={Uri.EscapeDataString(state)}"),
            },
        };
    }

    /// <summary>Userinfo for the bearer of the last access token handed out.</summary>
    private IResponseMessage UserInfo(IRequestMessage request)
    {
        var bearer = request.Headers is { } headers && headers.TryGetValue("Authorization", out var values) ? values.FirstOrDefault() : null;
        if (LastAccessToken is null || bearer != "Bearer " + LastAccessToken)
        {
            return Answer(401, new JsonObject { ["error"] = "invalid_token" });
        }

        var roles = new JsonArray([.. SignInUserinfoRoles.Select(r => (JsonNode)r)]);
        return Answer(200, new JsonObject
        {
            ["sub"] = "id-of-" + SignInUser,
            ["realm_access"] = new JsonObject { ["roles"] = roles },
        });
    }

    private IResponseMessage RedeemCode(IRequestMessage request)
    {
        var form = (request.Body ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString((p.Length > 1 ? p[1] : string.Empty).Replace('+', ' ')));
        string? Field(string name) => form.TryGetValue(name, out var value) ? value : null;
        var basic = request.Headers is { } headers && headers.TryGetValue("Authorization", out var authorization) ? authorization.FirstOrDefault() : null;
        var clientOk = basic == ExpectedBasic || (Field("client_id") == ClientId && Field("client_secret") == ClientSecret);
        string? refusal = null;
        if (!clientOk)
        {
            refusal = "client authentication failed";
        }
        else if (Field("grant_type") != "authorization_code" || Field("code") is not { } code || !_codes.TryRemove(code, out var pending))
        {
            refusal = "unknown or reused code";
        }
        else if (Field("redirect_uri") != pending.RedirectUri)
        {
            refusal = "redirect_uri differs from the authorization request's";
        }
        else if (Field("code_verifier") is not { Length: >= 43 } verifier
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.Challenge)
        {
            refusal = "the PKCE code_verifier does not match the code_challenge";
        }
        else
        {
            VerifiedCodeExchanges++;
            var idToken = Token(pending.User, change: d =>
            {
                d.Claims.Remove("realm_access");
                d.Claims["nonce"] = pending.Nonce;
                d.Claims["email"] = pending.User + "@example.test";
            });
            LastAccessToken = Token(pending.User, pending.Roles);
            return Answer(200, new JsonObject
            {
                ["access_token"] = LastAccessToken,
                ["id_token"] = idToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = 600,
            });
        }

        _refusals.Enqueue(refusal);
        return Answer(400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = refusal });
    }

    private static ResponseMessage Answer(int status, JsonObject body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    private sealed record PendingCode(string User, string[] Roles, string Nonce, string Challenge, string RedirectUri);
}
