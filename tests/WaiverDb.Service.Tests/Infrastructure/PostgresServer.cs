using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, made with initdb and pg_ctl in a
/// temporary folder (or the server <c>WAIVERDB_TEST_DATABASE_URI</c> names). PostgreSQL
/// refuses to run as root, so as root the cluster runs as the <c>postgres</c> user.
/// A missing PostgreSQL fails the tests: they never pass without a real database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartAsync());
    private readonly string? _directory;
    private readonly string? _binDirectory;
    private readonly NpgsqlConnectionStringBuilder _admin;

    private PostgresServer(NpgsqlConnectionStringBuilder admin, string? directory, string? binDirectory)
    {
        _admin = admin;
        _directory = directory;
        _binDirectory = binDirectory;
    }

    /// <summary>One cluster for the whole test run; each test class makes its own database in it.</summary>
    public static Task<PostgresServer> Shared => SharedServer.Value;

    /// <summary>Whether this cluster is ours to stop and start (not an external server).</summary>
    public bool IsOwned => _directory is not null;

    public int Port => _admin.Port;

    /// <summary>Starts a new private cluster (or wraps <c>WAIVERDB_TEST_DATABASE_URI</c> when <paramref name="allowExternal"/>).</summary>
    public static async Task<PostgresServer> StartAsync(bool allowExternal = true)
    {
        if (allowExternal && Environment.GetEnvironmentVariable("WAIVERDB_TEST_DATABASE_URI") is { Length: > 0 } external)
        {
            var uri = new System.Uri(external);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
                Username = System.Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]),
                Password = uri.UserInfo.Contains(':', StringComparison.Ordinal) ? System.Uri.UnescapeDataString(uri.UserInfo.Split(':', 2)[1]) : null,
                Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? db : "postgres",
            };
            return new PostgresServer(builder, null, null);
        }

        var bin = FindBinDirectory();
        RemoveAbandonedClusters();
        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        var server = new PostgresServer(
            new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = LoopbackPorts.Free(),
                Username = "postgres",
                Database = "postgres",
                Pooling = false,
            },
            directory,
            bin);
        await server.RunAsPostgresAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--no-locale"]);
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    private string DataDirectory => Path.Combine(_directory!, "data");

    private static bool IsRoot => Environment.UserName == "root";

    private const string DirectoryPrefix = "waiverdb-test-pg-";

    /// <summary>
    /// A test process that is killed leaves its cluster's folder behind; a later run removes
    /// every such folder whose server no longer runs. Young folders are left alone: another
    /// run may be creating its cluster there right now.
    /// </summary>
    private static void RemoveAbandonedClusters()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (Directory.GetCreationTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-2))
            {
                continue;
            }

            var pidFile = Path.Combine(directory, "data", "postmaster.pid");
            try
            {
                if (File.Exists(pidFile)
                    && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                    && Directory.Exists($"/proc/{pid}"))
                {
                    continue;
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Another run is creating or removing it right now.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>The upstream-style URI the service's <c>DATABASE_URI</c> setting takes.</summary>
    public string Uri(string database)
    {
        var password = string.IsNullOrEmpty(_admin.Password) ? string.Empty : ":" + System.Uri.EscapeDataString(_admin.Password);
        return $"postgresql://{System.Uri.EscapeDataString(_admin.Username!)}{password}@{_admin.Host}:{_admin.Port.ToString(CultureInfo.InvariantCulture)}/{database}";
    }

    /// <summary>Creates an empty database with a unique name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "waiverdb_test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Makes <paramref name="role"/> log in with its password (the cluster otherwise trusts loopback).</summary>
    public async Task RequirePasswordAsync(string role)
    {
        EnsureOwned();
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var rules = await File.ReadAllTextAsync(hba);
        await File.WriteAllTextAsync(hba, $"host all {role} 127.0.0.1/32 scram-sha-256\n" + rules);
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteScalarAsync();
    }

    /// <summary>Drops <paramref name="database"/>, closing any connection still open to it.</summary>
    public async Task DropDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Stops the server: <c>fast</c> rolls back and disconnects, <c>immediate</c> crashes it.</summary>
    public Task StopAsync(string mode = "fast")
    {
        EnsureOwned();
        return RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", mode, "-w", "stop"]);
    }

    public Task StartAgainAsync()
    {
        EnsureOwned();
        var options = string.Join(' ',
            $"-p {_admin.Port.ToString(CultureInfo.InvariantCulture)}",
            $"-k {_directory}",
            "-c listen_addresses=127.0.0.1",
            // fsync=off only risks data on an OS crash; commits stay synchronous so that an
            // immediate (crash) shutdown keeps what the service was told is committed.
            "-c fsync=off -c full_page_writes=off",
            "-c max_connections=1000 -c max_wal_size=96MB -c min_wal_size=32MB");
        return RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void EnsureOwned()
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException("an external WAIVERDB_TEST_DATABASE_URI server cannot be stopped by the tests");
        }
    }

    private Task RunAsPostgresAsync(string program, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory!, program);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static string FindBinDirectory()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .FirstOrDefault(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (fromPath is not null)
        {
            return fromPath;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(dir => Path.Combine(dir, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no initdb in PATH or /usr/lib/postgresql/*/bin): run `apt-get install postgresql`, "
            + "or point WAIVERDB_TEST_DATABASE_URI at a server");
    }

}
