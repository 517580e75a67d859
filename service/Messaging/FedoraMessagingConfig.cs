using Tomlyn;
using Tomlyn.Model;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// The part of fedora-messaging's own <c>config.toml</c> a publisher uses, read as
/// fedora-messaging reads it: the file named by <c>FEDORA_MESSAGING_CONF</c> (default
/// <see cref="DefaultPath"/>), and fedora-messaging's defaults for a missing file or key.
/// </summary>
public sealed record FedoraMessagingConfig
{
    public const string DefaultPath = "/etc/fedora-messaging/config.toml";

    public const string Key = "FEDORA_MESSAGING_CONF";

    /// <summary>The file the values came from; null when it did not exist (all defaults).</summary>
    public string? Path { get; init; }

    /// <summary><c>amqp_url</c>; fedora-messaging's default <c>amqp://</c> is guest on localhost.</summary>
    public Uri AmqpUrl { get; init; } = new("amqp://localhost");

    /// <summary><c>publish_exchange</c>.</summary>
    public string PublishExchange { get; init; } = "amq.topic";

    /// <summary><c>topic_prefix</c>: prepended with a dot to every topic; empty for none.</summary>
    public string TopicPrefix { get; init; } = string.Empty;

    /// <summary><c>[tls] ca_cert</c>: the CA that signed the broker's certificate; null for the system's.</summary>
    public string? CaCert { get; init; }

    /// <summary><c>[tls] certfile</c>, the client certificate (PEM).</summary>
    public string? CertFile { get; init; }

    /// <summary><c>[tls] keyfile</c>, its private key (PEM).</summary>
    public string? KeyFile { get; init; }

    /// <summary>The routing key of <paramref name="topic"/>, as fedora-messaging's publish() prefixes it.</summary>
    public string RoutingKey(string topic) =>
        TopicPrefix.Length == 0 ? topic : $"{TopicPrefix.TrimEnd('.')}.{topic}";

    /// <summary>The URL without its password, for logs.</summary>
    public string SafeUrl => new UriBuilder(AmqpUrl) { Password = AmqpUrl.UserInfo.Contains(':', StringComparison.Ordinal) ? "***" : string.Empty }.Uri.ToString();

    internal static FedoraMessagingConfig Read(SettingsSource source)
    {
        var path = source.String(Key) ?? DefaultPath;
        if (!File.Exists(path))
        {
            // fedora-messaging itself only logs this and carries on with its defaults.
            return new FedoraMessagingConfig();
        }

        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path)) ?? [];
        }
        catch (Exception e) when (e is TomlException or IOException or UnauthorizedAccessException)
        {
            source.Problem(Key, $"'{path}' cannot be read as TOML: {e.Message}");
            return new FedoraMessagingConfig { Path = path };
        }

        var config = new FedoraMessagingConfig { Path = path };
        var url = Text(source, path, table, "amqp_url");
        if (url is not null)
        {
            // "amqp://" alone (fedora-messaging's default) means localhost, as pika reads it.
            var withHost = url is "amqp://" or "amqps://" ? url + "localhost" : url;
            if (Uri.TryCreate(withHost, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" && uri.Host.Length > 0)
            {
                config = config with { AmqpUrl = uri };
            }
            else
            {
                source.Problem(Key, $"{path}: amqp_url '{url}' is not an amqp:// or amqps:// URL");
            }
        }

        config = config with
        {
            PublishExchange = Text(source, path, table, "publish_exchange") ?? config.PublishExchange,
            TopicPrefix = Text(source, path, table, "topic_prefix") ?? config.TopicPrefix,
        };
        if (table.TryGetValue("tls", out var tlsValue))
        {
            if (tlsValue is not TomlTable tls)
            {
                source.Problem(Key, $"{path}: [tls] must be a table");
                return config;
            }

            config = config with
            {
                CaCert = ExistingFile(source, path, tls, "ca_cert"),
                CertFile = ExistingFile(source, path, tls, "certfile"),
                KeyFile = ExistingFile(source, path, tls, "keyfile"),
            };
            if ((config.CertFile is null) != (config.KeyFile is null))
            {
                source.Problem(Key, $"{path}: [tls] certfile and keyfile go together");
            }
        }

        return config;
    }

    private static string? Text(SettingsSource source, string path, TomlTable table, string key)
    {
        if (!table.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value is string text)
        {
            return text;
        }

        source.Problem(Key, $"{path}: {key} must be a string");
        return null;
    }

    private static string? ExistingFile(SettingsSource source, string path, TomlTable tls, string key)
    {
        var file = Text(source, path, tls, key);
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }

        if (!File.Exists(file))
        {
            source.Problem(Key, $"{path}: [tls] {key} '{file}' does not exist");
        }

        return file;
    }
}
