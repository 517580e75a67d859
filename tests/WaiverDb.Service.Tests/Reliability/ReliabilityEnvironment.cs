using System.Globalization;
using System.Net;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>
/// What the load and fault runs stand on: a PostgreSQL cluster of their own (it gets
/// restarted), the shared RabbitMQ broker as fedora-messaging's broker with a queue bound
/// to this run's topic, and the service as its own process on a loopback port.
/// </summary>
internal sealed class ReliabilityEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly List<ServiceProcess> _retired = [];
    private readonly string _configPath;

    private ReliabilityEnvironment(PostgresServer postgres, string database, RabbitMqBroker broker, BrokerQueue queue, ServiceProcess service, string configPath)
    {
        Postgres = postgres;
        Database = database;
        Broker = broker;
        Queue = queue;
        Service = service;
        _configPath = configPath;
    }

    public PostgresServer Postgres { get; }

    public string Database { get; }

    public RabbitMqBroker Broker { get; }

    /// <summary>Bound to this run's <c>waiverdb.waiver.new</c> routing key.</summary>
    public BrokerQueue Queue { get; }

    /// <summary>The running service; replaced by <see cref="KillAndRestartServiceAsync"/>.</summary>
    public ServiceProcess Service { get; private set; }

    /// <summary>What every service process of the run wrote, killed ones included.</summary>
    public string ServiceOutput => string.Join('\n', _retired.Append(Service).Select(p => p.Output));

    public static async Task<ReliabilityEnvironment> StartAsync(RabbitMqBroker broker)
    {
        var postgres = await PostgresServer.StartAsync(allowExternal: false);
        var database = await postgres.CreateDatabaseAsync("waiverdb_reliability");
        var prefix = $"org.example.reliability{Guid.NewGuid().ToString("N")[..8]}";
        var configPath = Path.Combine(Path.GetTempPath(), $"waiverdb-reliability-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(configPath, $"""
            amqp_url = "{broker.AmqpUrl}"
            publish_exchange = "amq.topic"
            topic_prefix = "{prefix}"
            """);
        var queue = await BrokerQueue.BindAsync(broker, $"{prefix}.waiverdb.waiver.new");
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = postgres.Uri(database),
            ["DEVELOPMENT"] = "true",
            // Short enough that an outage answers 503 quickly; long enough for a loaded machine.
            ["DATABASE_CONNECT_TIMEOUT"] = "5",
            ["DATABASE_COMMAND_TIMEOUT"] = "15",
            ["MESSAGE_BUS_PUBLISH"] = "true",
            ["MESSAGE_PUBLISHER"] = "fedora-messaging",
            ["FEDORA_MESSAGING_CONF"] = configPath,
            ["MESSAGE_OUTBOX_POLL_SECONDS"] = "0.5",
            ["MESSAGE_PUBLISH_RETRY_MAX_SECONDS"] = "2",
            ["MESSAGE_PUBLISH_TIMEOUT_SECONDS"] = "10",
        };
        var service = ServiceProcess.Start(environment);
        await service.WaitUntilHealthyAsync(Patience);
        return new ReliabilityEnvironment(postgres, database, broker, queue, service, configPath);
    }

    /// <summary>A client of the service as <paramref name="user"/> (dummy authentication), kept for the whole run.</summary>
    public HttpClient Client(string user)
    {
        var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":x")));
        return client;
    }

    public async Task RestartPostgresAsync(string mode, TimeSpan outage)
    {
        await Postgres.StopAsync(mode);
        await Task.Delay(outage);
        await Postgres.StartAgainAsync();
    }

    public async Task RestartBrokerAsync(TimeSpan outage)
    {
        await Broker.StopAppAsync();
        await Task.Delay(outage);
        await Broker.StartAppAsync();
    }

    /// <summary>SIGKILL, then the same command on the same port, as an orchestrator restarts a pod.</summary>
    public async Task KillAndRestartServiceAsync(TimeSpan outage)
    {
        await Service.KillAsync();
        _retired.Add(Service);
        await Task.Delay(outage);
        Service = Service.StartAgain();
        await Service.WaitUntilHealthyAsync(Patience);
    }

    /// <summary>Polls <c>/healthcheck</c> until it answers 200 (the service recovering by itself).</summary>
    public async Task<bool> WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync("/healthcheck");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Down or restarting.
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>A connection outside any pool, so a restarted server is no trouble.</summary>
    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres.ConnectionString(Database)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Outbox rows not yet published, or null while the database cannot answer.</summary>
    public async Task<long?> OutboxBacklogAsync()
    {
        try
        {
            await using var db = await OpenDatabaseAsync();
            return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox WHERE sent_at IS NULL");
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>
    /// The service's managed heap in bytes (prometheus-net's <c>dotnet_total_memory_bytes</c>,
    /// GC.GetTotalMemory), or null when the metrics cannot be read: what separates objects
    /// kept alive from the runtime's own memory when RSS rises.
    /// </summary>
    public async Task<long?> ManagedHeapAsync()
    {
        try
        {
            using var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var metrics = await client.GetStringAsync("/api/v1.0/metrics");
            var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_total_memory_bytes ", StringComparison.Ordinal));
            return line is null ? null : (long)double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The service process's resident memory (KiB) and open file descriptors, from /proc.</summary>
    public (long RssKib, int Handles) ProcessFigures()
    {
        var pid = Service.ProcessId.ToString(CultureInfo.InvariantCulture);
        var rss = File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return (rss, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        foreach (var process in _retired)
        {
            await process.DisposeAsync();
        }

        await Queue.DisposeAsync();
        await Postgres.DisposeAsync();
        File.Delete(_configPath);
    }
}
