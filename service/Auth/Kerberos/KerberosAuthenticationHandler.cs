using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Kerberos;

/// <summary>
/// SPNEGO (<c>Authorization: Negotiate &lt;token&gt;</c>) over .NET's own
/// <see cref="NegotiateAuthentication"/>, which accepts the ticket with GSSAPI
/// (libgssapi_krb5) and the keytab named by <c>KRB5_KTNAME</c>. The user is the client
/// principal without its realm, as upstream; the mutual-authentication token goes back in
/// <c>WWW-Authenticate</c>.
/// </summary>
public sealed class KerberosAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WaiverDbSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Negotiate = "Negotiate";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, Negotiate, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (string.IsNullOrWhiteSpace(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.Fail("the Negotiate header carries no token"));
        }

        byte[] incoming;
        try
        {
            incoming = Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("the Negotiate token is not valid base64"));
        }

        KerberosEnvironment.ExportKeytab(settings.Kerberos.Keytab);
        return Task.FromResult(Accept(incoming));
    }

    private AuthenticateResult Accept(byte[] incoming)
    {
        // One exchange per request: Kerberos completes in a single leg, so no state is
        // kept on the connection between requests.
        using var negotiate = new NegotiateAuthentication(new NegotiateAuthenticationServerOptions { Package = Negotiate });
        byte[]? outgoing;
        NegotiateAuthenticationStatusCode status;
        try
        {
            outgoing = negotiate.GetOutgoingBlob(incoming, out status);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or PlatformNotSupportedException)
        {
            Logger.LogError(e, "Kerberos authentication is configured but GSSAPI cannot be used");
            return AuthenticateResult.Fail("GSSAPI (libgssapi_krb5) is not usable on the server");
        }

        switch (status)
        {
            case NegotiateAuthenticationStatusCode.Completed:
                break;
            case NegotiateAuthenticationStatusCode.ContinueNeeded:
                // A multi-leg mechanism (NTLM inside SPNEGO): give the client its next token,
                // though this server accepts only what completes in one leg.
                AnswerWith(outgoing, replaceChallenge: true);
                return AuthenticateResult.Fail("the Negotiate exchange needs another round trip; only Kerberos (one leg) is accepted");
            default:
                Logger.LogWarning("Kerberos: a Negotiate token was rejected: {Status}", status);
                return AuthenticateResult.Fail(Rejection(status));
        }

        if (!string.Equals(negotiate.Package, "Kerberos", StringComparison.OrdinalIgnoreCase))
        {
            Logger.LogWarning("Kerberos: a Negotiate exchange completed with {Package}, which is not accepted", negotiate.Package);
            return AuthenticateResult.Fail($"the Negotiate exchange used {negotiate.Package}, not Kerberos");
        }

        var principal = negotiate.RemoteIdentity.Name;
        var user = UserName(principal);
        if (user.Length == 0 || user.Length > FieldLimits.Username || user.Any(char.IsControl))
        {
            return AuthenticateResult.Fail($"the principal name must give a user name of 1 to {FieldLimits.Username} characters");
        }

        AnswerWith(outgoing, replaceChallenge: false);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user), new Claim("principal", principal ?? string.Empty)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>The user name upstream records: the principal up to its realm (<c>alice@EXAMPLE.TEST</c> is <c>alice</c>).</summary>
    public static string UserName(string? principal)
    {
        if (string.IsNullOrEmpty(principal))
        {
            return string.Empty;
        }

        var at = principal.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? principal : principal[..at];
    }

    private static string Rejection(NegotiateAuthenticationStatusCode status) => status switch
    {
        NegotiateAuthenticationStatusCode.InvalidToken =>
            "the Negotiate token is not a valid SPNEGO/Kerberos token",
        NegotiateAuthenticationStatusCode.CredentialsExpired =>
            "the ticket has expired",
        NegotiateAuthenticationStatusCode.UnknownCredentials or NegotiateAuthenticationStatusCode.BadBinding =>
            $"the ticket was not accepted ({status}); the server's keytab may hold no key for it",
        NegotiateAuthenticationStatusCode.MessageAltered or NegotiateAuthenticationStatusCode.OutOfSequence =>
            $"the ticket was not accepted ({status}): it was altered or replayed",
        _ => $"the ticket was not accepted ({status}): it must be a ticket of this server's realm for its principal HTTP/<host name> in its keytab",
    };

    private void AnswerWith(byte[]? token, bool replaceChallenge)
    {
        if (token is not { Length: > 0 })
        {
            return;
        }

        var value = $"{Negotiate} {Convert.ToBase64String(token)}";
        if (!replaceChallenge)
        {
            Response.Headers.Append("WWW-Authenticate", value);
            return;
        }

        // The composite scheme writes a bare "Negotiate" challenge into the 401; the
        // continuation token takes its place just before the headers go out.
        Response.OnStarting(() =>
        {
            var challenges = Response.Headers.WWWAuthenticate.ToList();
            var bare = challenges.FindIndex(c => string.Equals(c, Negotiate, StringComparison.OrdinalIgnoreCase));
            if (bare >= 0)
            {
                challenges[bare] = value;
            }
            else
            {
                challenges.Add(value);
            }

            Response.Headers.WWWAuthenticate = challenges.ToArray();
            return Task.CompletedTask;
        });
    }
}
