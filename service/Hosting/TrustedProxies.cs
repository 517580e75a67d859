using Microsoft.AspNetCore.HttpOverrides;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// Behind the OpenShift router (TLS edge) requests arrive as plain HTTP for an internal
/// host; the router's <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> make the
/// absolute paging links <c>https://public-host/...</c>. They are believed only from
/// <c>TRUSTED_PROXIES</c>: from anyone else they would let a client choose the links.
/// </summary>
public static class TrustedProxies
{
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var proxies = app.Services.GetRequiredService<WaiverDbSettings>().TrustedProxies;
        if (proxies.Count == 0)
        {
            // The middleware trusts every address when both lists are empty.
            return app;
        }

        // X-Forwarded-For is left alone: the remote address stays the proxy's, which is
        // what SSL_TRUSTED_PROXIES (client-certificate headers) checks.
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            ForwardLimit = 1,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in proxies)
        {
            options.KnownIPNetworks.Add(network);
        }

        app.UseForwardedHeaders(options);
        return app;
    }
}
