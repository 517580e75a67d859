using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace WaiverDb.Cli;

/// <summary>
/// The HTTP client for the configured <c>auth_method</c>: <c>Kerberos</c> sends the user's
/// ticket (SPNEGO, from the credential cache <c>kinit</c> fills), <c>dummy</c> HTTP Basic for
/// development; <c>OIDC</c> adds nothing here, <see cref="WaiverDbClient"/> sets the bearer token
/// <see cref="OidcLogin"/> gets. Requests time out after 60 seconds, as upstream's did.
/// </summary>
public static class ClientAuthentication
{
    public const string KerberosHint =
        "WaiverDB authentication using GSSAPI failed. Make sure you have a valid Kerberos ticket (run kinit) "
        + "and that your Kerberos configuration is correct.";

    public static HttpClient CreateHttpClient(ClientConfig config, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        var handler = context.HttpHandler?.Invoke() ?? new SocketsHttpHandler
        {
            Credentials = config.AuthMethod == "Kerberos" ? CredentialCache.DefaultCredentials : null,
        };
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("waiverdb-cli", typeof(ClientAuthentication).Assembly.GetName().Version?.ToString(3)));
        if (config.AuthMethod == "dummy")
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(config.DummyUser + ":pass")));
        }

        return http;
    }
}
