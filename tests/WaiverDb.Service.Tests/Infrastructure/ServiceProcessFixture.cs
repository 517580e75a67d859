using Npgsql;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// The real service process (Kestrel, not the in-process test host) on a database of its own
/// per test, in development mode; a test class adds its settings in <see cref="Settings"/>.
/// For what only Kestrel does: connection and request-line limits, slow clients, chunked bodies.
/// </summary>
public abstract class ServiceProcessFixture : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected PostgresServer Postgres { get; private set; } = null!;

    protected string DatabaseName { get; private set; } = string.Empty;

    protected ServiceProcess Service { get; private set; } = null!;

    protected int Port => Service.BaseAddress.Port;

    /// <summary>Settings (environment variables) on top of the database and development mode.</summary>
    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.Shared;
        DatabaseName = await Postgres.CreateDatabaseAsync();
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = Postgres.Uri(DatabaseName),
            ["DEVELOPMENT"] = "true",
            ["DATABASE_CONNECT_TIMEOUT"] = "15",
        };
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        Service = ServiceProcess.Start(environment);
        await Service.WaitUntilHealthyAsync(Patience);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await Postgres.DropDatabaseAsync(DatabaseName);
    }
}
