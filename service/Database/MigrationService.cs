using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Database;

/// <summary>Migrates the schema when the service starts, before it serves requests (unless MIGRATE_ON_STARTUP is false).</summary>
public sealed class MigrationService(DatabaseMigrator migrator, WaiverDbSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        settings.Database.MigrateOnStartup ? migrator.MigrateAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
