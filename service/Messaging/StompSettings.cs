using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// Upstream's <c>STOMP_CONFIGS</c>: <c>destination</c>, <c>connection</c>
/// (<c>host_and_ports</c> as a list of [host, port], tried in order; <c>use_ssl</c>,
/// <c>ssl_key_file</c>, <c>ssl_cert_file</c>, <c>ssl_ca_certs</c>) and <c>credentials</c>
/// (<c>login</c>, <c>passcode</c>).
/// </summary>
public sealed record StompSettings
{
    public const string Key = "STOMP_CONFIGS";

    public required string Destination { get; init; }

    public required IReadOnlyList<(string Host, int Port)> Brokers { get; init; }

    public bool UseSsl { get; init; }

    public string? SslKeyFile { get; init; }

    public string? SslCertFile { get; init; }

    public string? SslCaCerts { get; init; }

    public string? Login { get; init; }

    public string? Passcode { get; init; }

    /// <summary>Heart-beats this client offers and asks for (STOMP's <c>heart-beat</c> header).</summary>
    public TimeSpan HeartBeat { get; init; } = TimeSpan.FromSeconds(10);

    internal static StompSettings? Read(SettingsSource source)
    {
        var configs = source.Typed(Key, MessagingJsonContext.Default.JsonObject,
            "must be an object with destination, connection.host_and_ports and optionally credentials");
        if (configs is null)
        {
            source.Problem(Key, "is required when MESSAGE_PUBLISHER is stomp");
            return null;
        }

        var destination = Text(source, configs, "destination");
        if (string.IsNullOrWhiteSpace(destination))
        {
            source.Problem(Key, "destination is required, e.g. /topic/VirtualTopic.eng.waiverdb.waiver.new");
        }

        var connection = configs["connection"] as JsonObject ?? [];
        var brokers = new List<(string, int)>();
        if (connection["host_and_ports"] is JsonArray pairs)
        {
            foreach (var pair in pairs)
            {
                if (pair is JsonArray { Count: 2 } hostAndPort
                    && hostAndPort[0] is JsonValue host && host.TryGetValue<string>(out var name) && name.Length > 0
                    && PortOf(hostAndPort[1]) is { } port)
                {
                    brokers.Add((name, port));
                }
                else
                {
                    source.Problem(Key, $"connection.host_and_ports: '{pair?.ToJsonString()}' is not a [host, port] pair");
                }
            }
        }

        if (brokers.Count == 0)
        {
            source.Problem(Key, "connection.host_and_ports must list at least one [host, port] pair");
        }

        var credentials = configs["credentials"] as JsonObject ?? [];
        var settings = new StompSettings
        {
            Destination = destination ?? string.Empty,
            Brokers = brokers,
            UseSsl = connection["use_ssl"] is JsonValue ssl && ssl.GetValueKind() == JsonValueKind.True,
            SslKeyFile = ExistingFile(source, connection, "ssl_key_file"),
            SslCertFile = ExistingFile(source, connection, "ssl_cert_file"),
            SslCaCerts = ExistingFile(source, connection, "ssl_ca_certs"),
            Login = Text(source, credentials, "login"),
            Passcode = Text(source, credentials, "passcode"),
        };
        if ((settings.SslKeyFile is null) != (settings.SslCertFile is null))
        {
            source.Problem(Key, "connection.ssl_cert_file and connection.ssl_key_file go together");
        }

        return settings;
    }

    private static int? PortOf(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var number) && number is > 0 and < 65536 => number,
        JsonValue v when v.TryGetValue<string>(out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and < 65536 => parsed,
        _ => null,
    };

    private static string? Text(SettingsSource source, JsonObject node, string key)
    {
        var value = node[key];
        if (value is null)
        {
            return null;
        }

        if (value is JsonValue text && text.TryGetValue<string>(out var s))
        {
            return s;
        }

        source.Problem(Key, $"{key} must be a string");
        return null;
    }

    private static string? ExistingFile(SettingsSource source, JsonObject connection, string key)
    {
        var file = Text(source, connection, key);
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        if (!File.Exists(file))
        {
            source.Problem(Key, $"connection.{key} '{file}' does not exist");
        }

        return file;
    }
}

/// <summary>The settings' JSON shapes the messaging code reads.</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class MessagingJsonContext : JsonSerializerContext;
