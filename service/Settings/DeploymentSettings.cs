using System.Net;

namespace WaiverDb.Service.Settings;

/// <summary>How log lines are written: one JSON object per line, or plain text for development.</summary>
public enum LogFormat
{
    Json,
    Text,
}

/// <summary>Settings about the service's surroundings: its log format and the proxies in front of it.</summary>
internal static class DeploymentSettings
{
    public static LogFormat ReadLogFormat(SettingsSource source)
    {
        var text = source.String("LOG_FORMAT");
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "json":
                return LogFormat.Json;
            case "text":
                return LogFormat.Text;
            default:
                source.Problem("LOG_FORMAT", $"'{text}' is not json or text");
                return LogFormat.Json;
        }
    }

    /// <summary><c>TRUSTED_PROXIES</c>: addresses or networks whose X-Forwarded-Proto and X-Forwarded-Host are believed.</summary>
    public static IReadOnlyList<IPNetwork> ReadTrustedProxies(SettingsSource source)
    {
        var networks = new List<IPNetwork>();
        foreach (var text in source.StringList("TRUSTED_PROXIES"))
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
                source.Problem("TRUSTED_PROXIES", $"'{text}' is not an IP address or network such as 10.128.0.0/14");
            }
        }

        return networks;
    }

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>: where spans are sent over OTLP/HTTP, the
    /// full URL (e.g. <c>http://collector:4318/v1/traces</c>), as upstream names and uses it.
    /// </summary>
    public static Uri? ReadOtlpEndpoint(SettingsSource source)
    {
        const string key = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
        var text = source.String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            source.Problem(key, $"'{text}' is not an http(s) URL such as http://collector:4318/v1/traces");
            return null;
        }

        return uri;
    }
}
