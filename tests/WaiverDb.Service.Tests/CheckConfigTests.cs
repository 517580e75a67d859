using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// <c>dotnet WaiverDb.Service.dll check-config</c>: a deploy pipeline's fail-fast step. It
/// checks the settings (file and environment) and exits without a database or a port.
/// </summary>
public sealed class CheckConfigTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ValidSettingsExitZeroWithoutTouchingTheDatabase()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@db.invalid:5432/waiverdb",
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
        }, "check-config");

        Assert.Equal(0, await service.WaitForExitAsync(Timeout));
        Assert.Contains("The settings are valid.", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSettingsExitTwoNamingTheKey()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@db.invalid:5432/waiverdb",
            ["DEVELOPMENT"] = "true",
            ["AUTH_METHODS"] = """["dummy"]""",
            ["TRUSTED_PROXIES"] = """["10.0.0.0/99"]""",
        }, "check-config");

        Assert.Equal(2, await service.WaitForExitAsync(Timeout));
        Assert.Contains("TRUSTED_PROXIES: '10.0.0.0/99'", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("The settings are valid.", service.Output, StringComparison.Ordinal);
    }
}
