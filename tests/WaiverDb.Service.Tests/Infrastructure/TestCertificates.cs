using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>Certificates the TLS tests make for themselves: certificate authorities, a server and clients.</summary>
public static class TestCertificates
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>A self-signed certificate authority, with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-7), DateTimeOffset.UtcNow.AddDays(365));
        return Reload(certificate);
    }

    /// <summary>A server certificate for localhost and 127.0.0.1 signed by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 issuer)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        return Issue(issuer, "CN=localhost", ServerAuth, DateTimeOffset.UtcNow.AddDays(30), names.Build());
    }

    /// <summary>A client certificate for <paramref name="subject"/>; self-signed when <paramref name="issuer"/> is null.</summary>
    public static X509Certificate2 CreateClient(X509Certificate2? issuer, string subject, DateTimeOffset? notAfter = null)
    {
        notAfter ??= DateTimeOffset.UtcNow.AddDays(30);
        if (issuer is not null)
        {
            return Issue(issuer, subject, ClientAuth, notAfter.Value, extension: null);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), notAfter.Value);
        return Reload(certificate);
    }

    /// <summary>Writes <paramref name="certificate"/> (and its key, if <paramref name="keyPath"/> is given) as PEM.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string? keyPath = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (keyPath is not null)
        {
            using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no EC private key");
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, Oid usage, DateTimeOffset notAfter, X509Extension? extension)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var notBefore = DateTimeOffset.UtcNow.AddDays(-2);
        using var certificate = request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = certificate.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // A PKCS#12 round trip gives the key a form TLS clients and servers can use.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
