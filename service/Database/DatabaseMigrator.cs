using Dapper;
using DbUp;
using Npgsql;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Database;

/// <summary>
/// Applies the numbered scripts of <c>Database/*.sql</c> in order with DbUp, recording
/// them in <c>waiverdb_schema_versions</c>. On a database upstream WaiverDB created, the
/// scripts adopt the existing <c>waiver</c> table without rewriting a row.
/// </summary>
public sealed class DatabaseMigrator(WaiverDbSettings settings, ILogger<DatabaseMigrator> logger)
{
    public const string JournalTable = "waiverdb_schema_versions";

    // Any fixed number: replicas starting together take turns instead of racing.
    private const long MigrationLockKey = 0x5741_4956_4552;

    private const string DropInvalidIndexesSql = """
        SELECT c.relname
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        WHERE NOT i.indisvalid AND c.relname LIKE 'waiverdb\_%'
        """;

    public async Task MigrateAsync(CancellationToken ct)
    {
        var connectionString = settings.Database.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: ct));
        try
        {
            // An interrupted CREATE INDEX CONCURRENTLY leaves an invalid index that
            // IF NOT EXISTS would then skip for ever: drop it so the script builds it again.
            foreach (var index in await connection.QueryAsync<string>(new CommandDefinition(DropInvalidIndexesSql, cancellationToken: ct)))
            {
                logger.LogWarning("Dropping invalid index {Index} left by an interrupted migration", index);
                await connection.ExecuteAsync(new CommandDefinition($"DROP INDEX CONCURRENTLY IF EXISTS \"{index}\"", cancellationToken: ct));
            }

            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", JournalTable)
                .WithoutTransaction()
                .WithVariablesDisabled()
                .LogToNowhere()
                .Build();
            var pending = upgrader.GetScriptsToExecute().Select(s => s.Name).ToList();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new MigrationException($"Database migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
            }

            if (pending.Count > 0)
            {
                logger.LogInformation("Applied database migrations {Scripts}", pending);
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
