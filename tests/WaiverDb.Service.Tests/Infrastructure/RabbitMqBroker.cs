using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A throwaway RabbitMQ broker (Debian's <c>rabbitmq-server</c>) with AMQP on a free loopback
/// port and its node, database, logs and Erlang cookie in a temporary folder. The programs in
/// <c>/usr/lib/rabbitmq/bin</c> are run directly: Debian's <c>/usr/sbin</c> wrappers would
/// switch to the <c>rabbitmq</c> user when run as root. Erlang starts slowly, so one broker
/// serves a whole test collection (<see cref="RabbitMqCollection"/>).
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private const string BinDirectory = "/usr/lib/rabbitmq/bin";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"waiverdb-rabbitmq-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string NodeName { get; } = $"waiverdb-test-{Guid.NewGuid().ToString("N")[..8]}@localhost";

    public int AmqpPort { get; private set; }

    /// <summary>AMQP over TLS; the server certificate (localhost, 127.0.0.1) is signed by <see cref="Authority"/>.</summary>
    public int TlsPort { get; private set; }

    /// <summary>The CA of the broker's certificate and of the client certificates it accepts.</summary>
    public X509Certificate2 Authority { get; } = TestCertificates.CreateAuthority("CN=WaiverDB test broker CA");

    public string CaCertPath => Path.Combine(_directory, "ca.pem");

    /// <summary>The STOMP plugin's port (<c>/topic/X</c> publishes to amq.topic with routing key X).</summary>
    public int StompPort { get; private set; }

    /// <summary>STOMP over TLS, with the AMQPS listener's certificate.</summary>
    public int StompTlsPort { get; private set; }

    /// <summary>The broker's URL for fedora-messaging's <c>amqp_url</c> (the default guest user, allowed on loopback).</summary>
    public Uri AmqpUrl => new($"amqp://guest:guest@127.0.0.1:{AmqpPort}/%2F");

    public async Task InitializeAsync()
    {
        // xunit does not dispose a fixture whose start failed: clean up here.
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "rabbitmq-server")))
        {
            throw new InvalidOperationException(
                "rabbitmq-server is required for the messaging tests: apt-get install rabbitmq-server (as .ci/run does)");
        }

        Directory.CreateDirectory(_directory);
        AmqpPort = LoopbackPorts.Free();
        TlsPort = LoopbackPorts.Free();
        StompPort = LoopbackPorts.Free();
        StompTlsPort = LoopbackPorts.Free();
        using (var server = TestCertificates.CreateServer(Authority))
        {
            TestCertificates.WritePem(Authority, CaCertPath);
            TestCertificates.WritePem(server, Path.Combine(_directory, "server.pem"), Path.Combine(_directory, "server.key"));
        }

        // No disk alarm: a nearly full test machine would otherwise block every publisher.
        // AMQPS as Fedora's broker has it: client certificates checked against the CA and
        // their common name taken as the user (EXTERNAL); passwords still work on both ports.
        await File.WriteAllTextAsync(Path.Combine(_directory, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{AmqpPort}
            listeners.ssl.default = 127.0.0.1:{TlsPort}
            stomp.listeners.tcp.1 = 127.0.0.1:{StompPort}
            stomp.listeners.ssl.1 = 127.0.0.1:{StompTlsPort}
            stomp.ssl_cert_login = true
            ssl_options.cacertfile = {CaCertPath}
            ssl_options.certfile = {Path.Combine(_directory, "server.pem")}
            ssl_options.keyfile = {Path.Combine(_directory, "server.key")}
            ssl_options.verify = verify_peer
            ssl_options.fail_if_no_peer_cert = false
            auth_mechanisms.1 = PLAIN
            auth_mechanisms.2 = AMQPLAIN
            auth_mechanisms.3 = EXTERNAL
            ssl_cert_login_from = common_name
            disk_free_limit.absolute = 1
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "enabled_plugins"), "[rabbitmq_auth_mechanism_ssl,rabbitmq_stomp].\n");

        var info = new ProcessStartInfo(Path.Combine(BinDirectory, "rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        SetEnvironment(info);
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start rabbitmq-server");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // await_startup fails at once until the node has registered with epmd: ask again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {_process.ExitCode}: {Output}");
            }

            var (status, output) = await RabbitMqCtlAsync("await_startup", "--timeout", "30");
            if (status == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"RabbitMQ did not start: {output}\n{Output}");
            }

            await Task.Delay(300);
        }
    }

    /// <summary>Adds a user allowed everything on the default virtual host (for EXTERNAL, the certificate's common name).</summary>
    public async Task AddUserAsync(string name, string? password = null)
    {
        await CheckedAsync("add_user", name, password ?? Guid.NewGuid().ToString("N"));
        await CheckedAsync("set_permissions", "-p", "/", name, ".*", ".*", ".*");
    }

    /// <summary>The users of the open AMQP connections.</summary>
    public Task<IReadOnlyList<string>> ConnectionUsersAsync() => ColumnAsync("list_connections", "user");

    /// <summary>The users the open STOMP connections logged in as.</summary>
    public Task<IReadOnlyList<string>> StompLoginsAsync() => ColumnAsync("list_stomp_connections", "auth_login");

    private async Task<IReadOnlyList<string>> ColumnAsync(string command, string column)
    {
        var (status, output) = await RabbitMqCtlAsync(command, column, "--quiet", "--no-table-headers");
        return status == 0
            ? [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : throw new InvalidOperationException($"rabbitmqctl {command} exited with {status}: {output}");
    }

    /// <summary>Stops the broker application (connections and listeners close; the node and its queues stay).</summary>
    public Task StopAppAsync() => CheckedAsync("stop_app");

    /// <summary>Starts the broker application again after <see cref="StopAppAsync"/>.</summary>
    public async Task StartAppAsync()
    {
        await CheckedAsync("start_app");
        await CheckedAsync("await_startup", "--timeout", "60");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                await RabbitMqCtlAsync("stop");
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        Authority.Dispose();

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temporary folder's cleanup.
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private async Task CheckedAsync(params string[] arguments)
    {
        var (status, output) = await RabbitMqCtlAsync(arguments);
        if (status != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} exited with {status}: {output}");
        }
    }

    private async Task<(int Status, string Output)> RabbitMqCtlAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(BinDirectory, "rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(NodeName);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        SetEnvironment(info);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start rabbitmqctl");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stderr + await stdout);
    }

    // Everything in the temporary folder: nothing of /etc/rabbitmq or /var/lib/rabbitmq is
    // read or written, and the Erlang cookie the CLI needs lives in this HOME.
    private void SetEnvironment(ProcessStartInfo info)
    {
        info.Environment["HOME"] = _directory;
        info.Environment["RABBITMQ_NODENAME"] = NodeName;
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log");
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf");
        info.Environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config");
        info.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins");
        info.Environment["RABBITMQ_PID_FILE"] = Path.Combine(_directory, "rabbitmq.pid");
        info.Environment["RABBITMQ_DIST_PORT"] = DistPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // Erlang distribution (rabbitmqctl talks to the node through it) on a port of its own,
    // not AMQP's port + 20000, which may be taken.
    private int DistPort { get; } = LoopbackPorts.Free();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

}

/// <summary>The tests that share one <see cref="RabbitMqBroker"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "RabbitMQ";
}
