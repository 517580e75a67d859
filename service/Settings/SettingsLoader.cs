using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaiverDb.Contracts;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Oidc;

namespace WaiverDb.Service.Settings;

/// <summary>
/// Builds <see cref="WaiverDbSettings"/> from the settings file named by
/// <c>WAIVERDB_CONFIG</c> (default <see cref="DefaultPath"/>) and environment variables
/// of the same names, and refuses invalid settings with every problem named.
/// </summary>
public static class SettingsLoader
{
    public const string DefaultPath = "/etc/waiverdb/settings.json";

    /// <summary>Loads and checks the settings; <paramref name="lookup"/> reads environment variables (or test overrides).</summary>
    public static WaiverDbSettings Load(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var source = new SettingsSource(ReadFile(lookup("WAIVERDB_CONFIG")), lookup);

        var development = source.Bool("DEVELOPMENT", fallback: false);
        var authMethods = ReadAuthMethods(source, development);
        var settings = new WaiverDbSettings
        {
            Development = development,
            AuthMethods = authMethods,
            Database = ReadDatabase(source),
            Superusers = source.StringList("SUPERUSERS"),
            Admins = Admin.AdminSettings.Read(source),
            Permissions = ReadPermissions(source),
            PermissionMapping = ReadPermissionMapping(source),
            CorsOrigins = ReadCorsOrigins(source),
            CorsSupportsCredentials = ReadCorsCredentials(source),
            ResultsDbApiUrl = ReadUrl(source, "RESULTSDB_API_URL"),
            ResultsDbTimeout = TimeSpan.FromSeconds(source.Number("RESULTSDB_TIMEOUT", 10, 0.1, 600)),
            MaxPageLimit = source.Integer("MAX_PAGE_LIMIT", 1000, 1, 100_000),
            Kerberos = KerberosSettings.Read(source),
            Limits = ServerLimits.Read(source),
            Ldap = Auth.Ldap.LdapSettingsReader.Read(source),
            Ssl = Auth.Ssl.SslSettingsReader.Read(source, authMethods),
            LogFormat = DeploymentSettings.ReadLogFormat(source),
            TrustedProxies = DeploymentSettings.ReadTrustedProxies(source),
            OtlpTracesEndpoint = DeploymentSettings.ReadOtlpEndpoint(source),
            TracingServiceName = source.String("OTEL_EXPORTER_SERVICE_NAME") is { Length: > 0 } serviceName ? serviceName : "waiverdb",
            MessageBus = Messaging.MessagingSettings.Read(source),
            Web = Web.WebSettings.Read(source),
        };
        settings = settings with { Oidc = OidcSettingsReader.Read(source, settings.AuthMethods, development) };

        if (source.Problems.Count > 0)
        {
            throw new SettingsException(source.Problems);
        }

        return settings;
    }

    private static JsonObject ReadFile(string? configuredPath)
    {
        var path = configuredPath ?? DefaultPath;
        if (!File.Exists(path))
        {
            // Without WAIVERDB_CONFIG a missing default file is fine: the environment may say it all.
            return configuredPath is null
                ? []
                : throw new SettingsException([$"WAIVERDB_CONFIG: the settings file '{path}' does not exist"]);
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new SettingsException([$"WAIVERDB_CONFIG: '{path}' must hold a JSON object"]);
        }
        catch (JsonException e)
        {
            throw new SettingsException([$"WAIVERDB_CONFIG: '{path}' is not valid JSON: {e.Message}"]);
        }
    }

    private static List<AuthMethod> ReadAuthMethods(SettingsSource source, bool development)
    {
        IReadOnlyList<string> names = source.Has("AUTH_METHODS") ? source.StringList("AUTH_METHODS")
            : source.String("AUTH_METHOD") is { } single ? [single]
            : development ? ["dummy"] : ["OIDC"];
        var key = source.Has("AUTH_METHODS") ? "AUTH_METHODS" : "AUTH_METHOD";
        var methods = new List<AuthMethod>();
        foreach (var name in names)
        {
            AuthMethod? method = name.ToUpperInvariant() switch
            {
                "DUMMY" => AuthMethod.Dummy,
                "OIDC" => AuthMethod.Oidc,
                "KERBEROS" => AuthMethod.Kerberos,
                "SSL" => AuthMethod.Ssl,
                _ => null,
            };
            if (method is null)
            {
                source.Problem(key, $"unknown method '{name}' (known: OIDC, Kerberos, SSL, dummy)");
            }
            else if (method == AuthMethod.Dummy && !development)
            {
                source.Problem(key, "dummy accepts any password, so it is refused unless DEVELOPMENT is true");
            }
            else if (!methods.Contains(method.Value))
            {
                methods.Add(method.Value);
            }
        }

        if (names.Count == 0)
        {
            source.Problem(key, "must list at least one method");
        }

        return methods;
    }

    private static DatabaseSettings ReadDatabase(SettingsSource source)
    {
        var uri = source.String("DATABASE_URI");
        var password = source.String("DATABASE_PASSWORD");
        var connectTimeout = source.Integer("DATABASE_CONNECT_TIMEOUT", 5, 1, 600);
        var commandTimeout = source.Integer("DATABASE_COMMAND_TIMEOUT", 30, 1, 3600);
        var poolSize = source.Integer("DATABASE_POOL_SIZE", 20, 1, 1000);
        var migrate = source.Bool("MIGRATE_ON_STARTUP", fallback: true);
        if (string.IsNullOrWhiteSpace(uri))
        {
            source.Problem("DATABASE_URI", "is required (postgresql://user@host:port/database)");
            return new DatabaseSettings { ConnectionString = string.Empty };
        }

        var builder = DatabaseUri.Parse(uri, password, out var problem);
        if (builder is null)
        {
            source.Problem("DATABASE_URI", problem);
            return new DatabaseSettings { ConnectionString = string.Empty };
        }

        // Bounded waits: a dead database costs a request at most these many seconds.
        builder.Timeout = connectTimeout;
        builder.CommandTimeout = commandTimeout;
        builder.CancellationTimeout = 2000;
        builder.MaxPoolSize = poolSize;
        builder.KeepAlive = 30;
        builder.ApplicationName ??= "waiverdb";
        return new DatabaseSettings { ConnectionString = builder.ConnectionString, MigrateOnStartup = migrate };
    }

    // The source-generated reader sets every init-only property, so a key an entry omits
    // arrives as null, not as its initial []. An omitted list is empty, as upstream's
    // permission.get(key, []) reads it.
    private static IReadOnlyList<PermissionEntry> ReadPermissions(SettingsSource source)
    {
        var read = source.Typed("PERMISSIONS", WaiverDbJsonContext.Default.IReadOnlyListPermissionEntry,
            "must be a list of {\"name\", \"maintainers\", \"testcases\", \"testcases_ignore\", \"users\", \"groups\"} objects") ?? [];
        var entries = new List<PermissionEntry>(read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            if (read[i] is not { } entry)
            {
                source.Problem("PERMISSIONS", $"entry {i} is null");
                continue;
            }

            entry = entry with
            {
                Maintainers = entry.Maintainers ?? [],
                Testcases = entry.Testcases ?? [],
                TestcasesIgnore = entry.TestcasesIgnore ?? [],
                Users = entry.Users ?? [],
                Groups = entry.Groups ?? [],
            };
            if (entry.Testcases.Count == 0)
            {
                source.Problem("PERMISSIONS", $"entry {i} ({entry.Name}) lists no testcases");
            }

            foreach (var glob in entry.Testcases.Concat(entry.TestcasesIgnore))
            {
                try
                {
                    _ = Glob.ToRegex(glob);
                }
                catch (ArgumentException e)
                {
                    source.Problem("PERMISSIONS", $"entry {i} ({entry.Name}): '{glob}' is not a valid pattern: {e.Message}");
                }
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static IReadOnlyDictionary<string, PermissionMappingEntry> ReadPermissionMapping(SettingsSource source)
    {
        var read = source.Typed("PERMISSION_MAPPING", WaiverDbJsonContext.Default.IReadOnlyDictionaryStringPermissionMappingEntry,
            "must be an object of test case regex to {\"groups\", \"users\"}") ?? new Dictionary<string, PermissionMappingEntry>();
        var mapping = new Dictionary<string, PermissionMappingEntry>(read.Count, StringComparer.Ordinal);
        foreach (var (pattern, entry) in read)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                source.Problem("PERMISSION_MAPPING", $"'{pattern}' is not a valid regular expression: {e.Message}");
            }

            if (entry is null)
            {
                source.Problem("PERMISSION_MAPPING", $"'{pattern}' has a null value; give {{\"groups\": [...], \"users\": [...]}}");
                continue;
            }

            // As with PERMISSIONS, an omitted list arrives as null and means [].
            mapping[pattern] = entry with { Groups = entry.Groups ?? [], Users = entry.Users ?? [] };
        }

        return mapping;
    }

    private static IReadOnlyList<string> ReadCorsOrigins(SettingsSource source)
    {
        var origins = source.StringList("CORS_ORIGINS");
        foreach (var origin in origins)
        {
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                source.Problem("CORS_ORIGINS", $"'{origin}' is not an origin such as https://bodhi.fedoraproject.org");
            }
        }

        return origins;
    }

    private static bool ReadCorsCredentials(SettingsSource source)
    {
        var credentials = source.Bool("CORS_SUPPORTS_CREDENTIALS", fallback: false);
        if (credentials && source.StringList("CORS_ORIGINS").Contains("*"))
        {
            // Browsers refuse credentials for a wildcard origin; say so at start-up instead.
            source.Problem("CORS_SUPPORTS_CREDENTIALS", "cannot be true while CORS_ORIGINS allows any origin (\"*\"); list the origins");
        }

        return credentials;
    }

    private static Uri? ReadUrl(SettingsSource source, string key)
    {
        var text = source.String(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            source.Problem(key, $"'{text}' is not an http(s) URL");
            return null;
        }

        return uri;
    }
}
