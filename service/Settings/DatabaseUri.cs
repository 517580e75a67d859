using System.Globalization;
using Npgsql;

namespace WaiverDb.Service.Settings;

/// <summary>
/// Reads upstream's <c>DATABASE_URI</c> (SQLAlchemy form, e.g.
/// <c>postgresql+psycopg2://waiverdb@db:5432/waiverdb?sslmode=require</c>) into an Npgsql
/// connection string, so existing deployments keep their settings.
/// </summary>
internal static class DatabaseUri
{
    private static readonly string[] Schemes = ["postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg", "postgresql+pg8000"];

    /// <summary>Parses <paramref name="uri"/>; a null result comes with <paramref name="problem"/> saying why.</summary>
    public static NpgsqlConnectionStringBuilder? Parse(string uri, string? password, out string problem)
    {
        problem = string.Empty;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !Schemes.Contains(parsed.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            problem = "must look like postgresql://user@host:port/database";
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(parsed.Host) ? "localhost" : parsed.Host,
            Port = parsed.IsDefaultPort || parsed.Port < 0 ? 5432 : parsed.Port,
            Database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/')),
        };
        if (string.IsNullOrEmpty(builder.Database))
        {
            problem = "must name a database (postgresql://user@host:port/database)";
            return null;
        }

        var userInfo = parsed.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        // DATABASE_PASSWORD (from an OpenShift secret) wins over a password in the URI.
        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }
        else if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = pair.Split('=', 2) is [var n, var v]
                ? (Uri.UnescapeDataString(n), Uri.UnescapeDataString(v))
                : (Uri.UnescapeDataString(pair), string.Empty);
            if (!Apply(builder, name, value, out problem))
            {
                return null;
            }
        }

        return builder;
    }

    private static bool Apply(NpgsqlConnectionStringBuilder builder, string name, string value, out string problem)
    {
        problem = string.Empty;
        switch (name)
        {
            case "host":
                builder.Host = value;
                return true;
            case "port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                builder.Port = port;
                return true;
            case "sslmode" when Enum.TryParse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode):
                builder.SslMode = mode;
                return true;
            case "sslrootcert":
                builder.RootCertificate = value;
                return true;
            case "sslcert":
                builder.SslCertificate = value;
                return true;
            case "sslkey":
                builder.SslKey = value;
                return true;
            case "application_name":
                builder.ApplicationName = value;
                return true;
            case "connect_timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                builder.Timeout = seconds;
                return true;
            default:
                problem = $"unsupported or invalid query parameter '{name}={value}' (supported: host, port, sslmode, sslrootcert, sslcert, sslkey, application_name, connect_timeout)";
                return false;
        }
    }
}
