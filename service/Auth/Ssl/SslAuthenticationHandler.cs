using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Ssl;

/// <summary>
/// The <c>SSL</c> method: the user is the client certificate's subject DN. A certificate
/// presented to Kestrel is validated by the certificate handler against
/// <c>SSL_CLIENT_CA_FILE</c>; otherwise the DN a trusted reverse proxy passes in
/// <c>SSL_CLIENT_S_DN_HEADER</c> is used.
/// </summary>
public sealed class SslAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WaiverDbSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The certificate handler's scheme, which only the SSL method calls.</summary>
    public const string CertificateScheme = "ssl-certificate";

    private SslSettings Ssl => settings.Ssl;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Ssl.ClientCas is not null && Request.IsHttps)
        {
            var result = await Context.AuthenticateAsync(CertificateScheme);
            if (result.Succeeded)
            {
                return Success(result.Principal.Identity!.Name!);
            }

            if (result.Failure is { } failure)
            {
                var certificate = Context.Connection.ClientCertificate;
                var subject = certificate is null ? null : SubjectDn.Format(certificate.SubjectName) ?? certificate.Subject;
                return AuthenticateResult.Fail($"the client certificate '{subject}' was refused: {failure.Message}");
            }
        }

        return FromProxyHeaders();
    }

    private AuthenticateResult FromProxyHeaders()
    {
        if (Ssl.TrustedProxies.Count == 0 || !Request.Headers.TryGetValue(Ssl.SubjectDnHeader, out var dnValues))
        {
            return AuthenticateResult.NoResult();
        }

        var remote = Context.Connection.RemoteIpAddress;
        if (remote is null || !IsTrusted(remote))
        {
            return AuthenticateResult.Fail(
                $"the {Ssl.SubjectDnHeader} header from {remote?.ToString() ?? "an unknown address"} is ignored: that address is not in SSL_TRUSTED_PROXIES");
        }

        if (Ssl.VerifyHeader.Length > 0 && Request.Headers[Ssl.VerifyHeader].ToString() is var verified && verified != "SUCCESS")
        {
            return AuthenticateResult.Fail(
                $"the proxy did not verify the client certificate ({Ssl.VerifyHeader}: {(verified.Length > 0 ? verified : "missing")})");
        }

        var dn = dnValues.ToString().Trim();
        return dnValues.Count != 1 || dn.Length == 0
            ? AuthenticateResult.Fail($"the {Ssl.SubjectDnHeader} header must hold one subject DN")
            : Success(dn);
    }

    private bool IsTrusted(IPAddress remote)
    {
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return Ssl.TrustedProxies.Any(network => network.Contains(address));
    }

    private AuthenticateResult Success(string dn)
    {
        if (dn.Length > FieldLimits.Username || dn.Any(char.IsControl))
        {
            return AuthenticateResult.Fail(
                $"the certificate subject DN must be at most {FieldLimits.Username} characters without control characters");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, dn)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
