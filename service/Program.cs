using WaiverDb.Service.Admin;
using WaiverDb.Service.Database;
using WaiverDb.Service.Hosting;
using WaiverDb.Service.Info;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;
using WaiverDb.Service.Web;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddWaiverDbServices();
    builder.AddServerLimits();
    builder.AddStructuredLogging();
    builder.AddTracing();
    builder.AddWaiverDbAuthentication();
    builder.AddWaiverDbWeb();

    var app = builder.Build();
    app.Services.GetRequiredService<WaiverDbSettings>();

    if (args is ["check-config"])
    {
        // The settings were loaded and checked just above; invalid ones ended with status 2.
        await Console.Out.WriteLineAsync("The settings are valid.");
        return 0;
    }

    if (args is ["migrate"])
    {
        await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        return 0;
    }

    app.UseTrustedProxies();
    app.UseSecurityHeaders();
    app.UseWaiverDbWeb();
    app.UseRequestLogging();
    app.UseWaiverDbPipeline();
    app.MapHealthEndpoints();
    app.MapLivenessEndpoint();
    app.MapWaivers();
    app.MapAdmin();
    app.MapInfo();
    app.MapMetricsEndpoint();
    app.MapWeb();
    await app.RunAsync();
    return 0;
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (Exception e) when (e is MigrationException || ErrorHandling.IsDatabaseUnavailable(e))
{
    // Without its schema the service cannot serve; the orchestrator restarts it.
    await Console.Error.WriteLineAsync($"The database cannot be used at start-up: {e.Message}");
    return 3;
}
