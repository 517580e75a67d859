namespace WaiverDb.Cli;

/// <summary>
/// The client configuration, INI-compatible with upstream's <c>client.conf</c>:
/// <code>
/// [waiverdb]
/// api_url = https://waiverdb.fedoraproject.org/api/v1.0
/// auth_method = OIDC
/// oidc_id_provider = https://id.fedoraproject.org/openidc/
/// oidc_client_id = waiverdb
/// oidc_scopes =
///     openid
///     https://waiverdb.fedoraproject.org/oidc/create-waiver
/// </code>
/// Found at <c>-C</c>, else <c>$XDG_CONFIG_HOME/waiverdb/client.conf</c>, else
/// <c>/etc/waiverdb/client.conf</c>; <c>WAIVERDB_API_URL</c>, <c>WAIVERDB_AUTH_METHOD</c> and
/// <c>--api-url</c> override.
/// </summary>
public sealed record ClientConfig
{
    public const string SystemPath = "/etc/waiverdb/client.conf";

    public static readonly IReadOnlyList<string> AuthMethods = ["OIDC", "Kerberos", "dummy"];

    public required Uri ApiUrl { get; init; }

    public required string AuthMethod { get; init; }

    public string? OidcIdProvider { get; init; }

    public string? OidcClientId { get; init; }

    public string? OidcClientSecret { get; init; }

    public IReadOnlyList<string> OidcScopes { get; init; } = [];

    /// <summary>The user the dummy method sends; upstream always sent "user".</summary>
    public string DummyUser { get; init; } = "user";

    /// <summary>Where the settings were read from, for messages (null: defaults and environment only).</summary>
    public string? Path { get; init; }

    /// <summary>Reads and checks the configuration; problems are <see cref="CliException"/>s with upstream's messages.</summary>
    public static ClientConfig Load(string? configFile, string? apiUrlOption, Func<string, string?> environment, int problemExitCode)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var path = Locate(configFile, environment);
        var values = path is null ? new Dictionary<string, string>() : ReadSection(File.ReadAllLines(path), "waiverdb");
        Override(values, "api_url", environment("WAIVERDB_API_URL"));
        Override(values, "auth_method", environment("WAIVERDB_AUTH_METHOD"));
        Override(values, "api_url", apiUrlOption);

        // The same checks, in the same order and words, as upstream's validate_config.
        string Required(string key) => values.TryGetValue(key, out var value)
            ? value
            : throw new CliException($"The config option \"{key}\" is required", problemExitCode);

        var authMethod = Required("auth_method");
        if (!AuthMethods.Contains(authMethod))
        {
            throw new CliException($"The WaiverDB authentication mechanism of \"{authMethod}\" is not supported", problemExitCode);
        }

        var apiUrlText = Required("api_url");
        if (authMethod == "OIDC")
        {
            Required("oidc_id_provider");
            Required("oidc_client_id");
            Required("oidc_scopes");
        }

        if (!Uri.TryCreate(apiUrlText.TrimEnd('/') + "/", UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("http" or "https"))
        {
            throw new CliException($"The config option \"api_url\" must be an http(s) URL, not \"{apiUrlText}\"", problemExitCode);
        }

        return new ClientConfig
        {
            ApiUrl = apiUrl,
            AuthMethod = authMethod,
            OidcIdProvider = values.GetValueOrDefault("oidc_id_provider"),
            OidcClientId = values.GetValueOrDefault("oidc_client_id"),
            OidcClientSecret = values.GetValueOrDefault("oidc_client_secret"),
            OidcScopes = values.TryGetValue("oidc_scopes", out var scopes)
                ? [.. scopes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
                : [],
            DummyUser = values.GetValueOrDefault("dummy_user") ?? "user",
            Path = path,
        };
    }

    private static string? Locate(string? configFile, Func<string, string?> environment)
    {
        if (configFile is not null)
        {
            return File.Exists(configFile)
                ? configFile
                : throw new CliException($"Invalid value for '--config-file' / '-C': Path '{configFile}' does not exist.", ExitCodes.Usage);
        }

        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : environment("HOME") is { Length: > 0 } home ? System.IO.Path.Combine(home, ".config") : null;
        var user = configHome is null ? null : System.IO.Path.Combine(configHome, "waiverdb", "client.conf");
        return user is not null && File.Exists(user) ? user : File.Exists(SystemPath) ? SystemPath : null;
    }

    private static void Override(Dictionary<string, string> values, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            values[key] = value;
        }
    }

    /// <summary>
    /// The keys of one INI section as Python's configparser reads them: <c>key = value</c> or
    /// <c>key: value</c>, <c>#</c>/<c>;</c> comment lines, indented lines continuing a value.
    /// </summary>
    internal static Dictionary<string, string> ReadSection(IEnumerable<string> lines, string section)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        string? lastKey = null;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                current = trimmed[1..^1].Trim();
                lastKey = null;
                continue;
            }

            if (current != section)
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]) && lastKey is not null)
            {
                values[lastKey] = (values[lastKey] + "\n" + trimmed).Trim('\n');
                continue;
            }

            var separator = trimmed.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            lastKey = trimmed[..separator].Trim().ToLowerInvariant();
            values[lastKey] = trimmed[(separator + 1)..].Trim();
        }

        return values;
    }
}
