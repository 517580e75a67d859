using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// The real service in-process, configured the way operators configure it: a settings
/// file (upstream key names) named by <c>WAIVERDB_CONFIG</c>, pointing at a real database.
/// </summary>
public sealed class WaiverDbApplication : WebApplicationFactory<Program>
{
    private readonly string _settingsPath;

    public WaiverDbApplication(JsonObject settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settingsPath = Path.Combine(Path.GetTempPath(), $"waiverdb-test-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(_settingsPath, settings.ToJsonString());
    }

    /// <summary>What the service logged, as its loggers saw it (after the service's own filters).</summary>
    public CapturedLog Log { get; } = new();

    /// <summary>Development settings (dummy auth, bodhi as superuser) for <paramref name="databaseUri"/>, changed by <paramref name="change"/>.</summary>
    public static JsonObject DevelopmentSettings(string databaseUri, Action<JsonObject>? change = null)
    {
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = databaseUri,
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
            ["SUPERUSERS"] = new JsonArray("bodhi"),
            // Generous: a loaded CI machine must not turn a slow connect into a 503. The
            // outage tests set short timeouts of their own.
            ["DATABASE_CONNECT_TIMEOUT"] = 15,
            ["DATABASE_COMMAND_TIMEOUT"] = 30,
        };
        change?.Invoke(settings);
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("WAIVERDB_CONFIG", _settingsPath);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_settingsPath);
    }
}
