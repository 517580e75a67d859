using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace WaiverDb.Service.Auth.Ssl;

/// <summary>
/// The <c>SSL</c> method's settings. Kestrel mode: the service terminates TLS with
/// <see cref="ServerCertificate"/> and validates client certificates against
/// <see cref="ClientCas"/>. Proxy mode: a reverse proxy that verified the certificate
/// passes the subject DN in headers, honoured only from <see cref="TrustedProxies"/>.
/// </summary>
public sealed record SslSettings
{
    public static readonly SslSettings None = new();

    /// <summary>From <c>SSL_CERTIFICATE</c> and <c>SSL_KEY</c>: the certificate of Kestrel's https addresses.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>From <c>SSL_CLIENT_CA_FILE</c>: the CAs a client certificate must chain to; null turns Kestrel mode off.</summary>
    public X509Certificate2Collection? ClientCas { get; init; }

    /// <summary>From <c>SSL_TRUSTED_PROXIES</c>: addresses or networks whose certificate headers are believed.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The header holding the verified client certificate's subject DN (<c>SSL_CLIENT_S_DN_HEADER</c>).</summary>
    public string SubjectDnHeader { get; init; } = "X-SSL-Client-S-DN";

    /// <summary>The header that must say <c>SUCCESS</c> (<c>SSL_CLIENT_VERIFY_HEADER</c>); empty: not checked.</summary>
    public string VerifyHeader { get; init; } = "X-SSL-Client-Verify";
}
