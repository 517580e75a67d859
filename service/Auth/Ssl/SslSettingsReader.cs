using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Ssl;

/// <summary>Reads <see cref="SslSettings"/>, loading the certificate files so a bad one stops start-up by its key.</summary>
internal static class SslSettingsReader
{
    public static SslSettings Read(SettingsSource source, IReadOnlyList<AuthMethod> methods)
    {
        var settings = new SslSettings
        {
            ServerCertificate = ReadServerCertificate(source),
            ClientCas = ReadClientCas(source),
            TrustedProxies = ReadTrustedProxies(source),
            SubjectDnHeader = source.String("SSL_CLIENT_S_DN_HEADER") is { Length: > 0 } dn ? dn : SslSettings.None.SubjectDnHeader,
            VerifyHeader = source.String("SSL_CLIENT_VERIFY_HEADER") ?? SslSettings.None.VerifyHeader,
        };

        if (settings.ClientCas is not null && settings.ServerCertificate is null)
        {
            source.Problem("SSL_CLIENT_CA_FILE", "needs SSL_CERTIFICATE and SSL_KEY: client certificates are only seen where the service terminates TLS");
        }

        if (methods.Contains(AuthMethod.Ssl) && settings.ClientCas is null && settings.TrustedProxies.Count == 0)
        {
            source.Problem("AUTH_METHODS", "SSL needs SSL_CLIENT_CA_FILE (the service checks client certificates) or SSL_TRUSTED_PROXIES (a proxy does)");
        }

        return settings;
    }

    private static X509Certificate2? ReadServerCertificate(SettingsSource source)
    {
        var certificate = source.String("SSL_CERTIFICATE");
        var key = source.String("SSL_KEY");
        if (string.IsNullOrEmpty(certificate) && string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key))
        {
            source.Problem("SSL_CERTIFICATE", "SSL_CERTIFICATE and SSL_KEY (PEM files) are given together or not at all");
            return null;
        }

        try
        {
            using var loaded = X509Certificate2.CreateFromPemFile(certificate, key);

            // A PKCS#12 round trip gives the key a form TLS servers can use on every platform.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            source.Problem("SSL_CERTIFICATE", $"cannot load '{certificate}' with the key '{key}': {e.Message}");
            return null;
        }
    }

    private static X509Certificate2Collection? ReadClientCas(SettingsSource source)
    {
        if (source.String("SSL_CLIENT_CA_FILE") is not { Length: > 0 } path)
        {
            return null;
        }

        try
        {
            var cas = new X509Certificate2Collection();
            cas.ImportFromPemFile(path);
            if (cas.Count == 0)
            {
                source.Problem("SSL_CLIENT_CA_FILE", $"'{path}' holds no PEM certificate");
                return null;
            }

            return cas;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            source.Problem("SSL_CLIENT_CA_FILE", $"cannot read CA certificates from '{path}': {e.Message}");
            return null;
        }
    }

    private static List<IPNetwork> ReadTrustedProxies(SettingsSource source)
    {
        var networks = new List<IPNetwork>();
        foreach (var text in source.StringList("SSL_TRUSTED_PROXIES"))
        {
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                source.Problem("SSL_TRUSTED_PROXIES", $"'{text}' is not an IP address or network such as 10.0.0.5 or 10.0.0.0/24");
            }
        }

        return networks;
    }
}
