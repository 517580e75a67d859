using System.Diagnostics;

namespace WaiverDb.Cli.Tests;

/// <summary>The README's install steps: <c>dotnet pack</c>, then <c>dotnet tool install</c>, then the command runs.</summary>
public sealed class PackagingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "waiverdb-cli-pack-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task TheToolPackageInstallsAsTheWaiverDbCliCommand()
    {
        var repository = FindRepository();
        var packages = Path.Combine(_directory, "nupkg");
        var tools = Path.Combine(_directory, "tools");

        await RunAsync("dotnet", "pack", Path.Combine(repository, "cli", "WaiverDb.Cli.csproj"), "-c", "Release", "-o", packages, "--nologo");
        Assert.Single(Directory.GetFiles(packages, "WaiverDb.Cli.*.nupkg"));
        await RunAsync("dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "WaiverDb.Cli");
        var version = await RunAsync(Path.Combine(tools, "waiverdb-cli"), "--version");
        var help = await RunAsync(Path.Combine(tools, "waiverdb-cli"), "list", "--help");

        Assert.Matches(@"^1\.0\.0(\+[0-9a-f]+)?\n$", version);
        Assert.Contains("--include-obsolete", help, StringComparison.Ordinal);
    }

    private static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WaiverDb.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the tests do not run inside the repository");
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        return await output;
    }
}
