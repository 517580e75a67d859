using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Ssl;

/// <summary>Registers the <c>SSL</c> method and Kestrel's https settings (server certificate, client certificates).</summary>
public static class SslAuthentication
{
    public static AuthenticationBuilder AddWaiverDbSsl(this AuthenticationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // https addresses of WAIVERDB_LISTEN use SSL_CERTIFICATE. Client certificates are
        // asked for but not checked in the handshake, so a refused one is a 401 with a
        // message instead of a dropped connection.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<WaiverDbSettings>((kestrel, settings) =>
            kestrel.ConfigureHttpsDefaults(https =>
            {
                if (settings.Ssl.ServerCertificate is { } certificate)
                {
                    https.ServerCertificate = certificate;
                }

                if (settings.Ssl.ClientCas is not null)
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                }
            }));

        builder.AddCertificate(SslAuthenticationHandler.CertificateScheme, _ => { });
        builder.Services.AddOptions<CertificateAuthenticationOptions>(SslAuthenticationHandler.CertificateScheme)
            .Configure<WaiverDbSettings>((options, settings) =>
            {
                options.AllowedCertificateTypes = CertificateTypes.Chained;
                options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                options.CustomTrustStore = settings.Ssl.ClientCas ?? [];
                options.RevocationMode = X509RevocationMode.NoCheck;
                options.ValidateCertificateUse = true;
                options.ValidateValidityPeriod = true;
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = context =>
                    {
                        if (SubjectDn.Format(context.ClientCertificate.SubjectName) is not { } dn)
                        {
                            context.Fail("its subject has a multi-valued RDN, which is not supported");
                            return Task.CompletedTask;
                        }

                        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, dn)], context.Scheme.Name);
                        context.Principal = new ClaimsPrincipal(identity);
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            });

        return builder.AddScheme<AuthenticationSchemeOptions, SslAuthenticationHandler>(AuthSchemes.Ssl, null);
    }
}
