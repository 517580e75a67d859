using System.Text.RegularExpressions;
using System.Xml.Linq;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The Containerfile, parsed (no container engine runs here): built with the SDK, run on
/// the ASP.NET Core runtime as a non-root UID, on 8080, with one version for label and API.
/// </summary>
public sealed partial class ContainerfileTests
{
    private static readonly Containerfile File = Containerfile.Parse(RepositoryFiles.Read("Containerfile"));

    [Fact]
    public void TheServiceIsBuiltWithTheSdkAndRunsOnTheAspNetCoreRuntimeOfTheTargetFramework()
    {
        var major = TargetFramework().Replace("net", string.Empty, StringComparison.Ordinal); // net10.0 -> 10.0
        var build = File.Stages[0];
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{major}", build.Image);
        Assert.Contains(build.All("RUN"), r => r.Contains("dotnet publish service/WaiverDb.Service.csproj", StringComparison.Ordinal));

        Assert.Equal(2, File.Stages.Count);
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{major}", File.Final.Image);
        Assert.Equal(["dotnet", "/app/WaiverDb.Service.dll"], EntryPoint());
        Assert.Contains(File.Final.All("COPY"), c => c.StartsWith($"--from={build.Name} ", StringComparison.Ordinal) && c.EndsWith(" /app /app", StringComparison.Ordinal));
    }

    [Fact]
    public void TheFinalImageHasNoBuildToolsOrPackageInstalls()
    {
        var runs = string.Join('\n', File.Final.All("RUN"));
        foreach (var tool in new[] { "apt", "dnf", "microdnf", "yum", "dotnet build", "dotnet publish", "dotnet restore", "curl", "wget" })
        {
            Assert.DoesNotContain(tool, runs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("sdk", File.Final.Image, StringComparison.Ordinal);
    }

    [Fact]
    public void TheServiceRunsAsANonRootNumericUserThatGroupZeroCanStandIn()
    {
        var user = Assert.Single(File.Final.All("USER"));
        Assert.Matches("^[0-9]+(:0)?$", user);
        Assert.NotEqual(0, int.Parse(user.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture));

        // OpenShift picks the UID; group 0 must be able to read what the owner can.
        Assert.Contains(File.Final.All("RUN"), r => r.Contains("chmod -R g=u /app", StringComparison.Ordinal));
        Assert.All(File.Final.All("COPY"), c => Assert.Contains("--chown=" + user.Split(':')[0] + ":0", c, StringComparison.Ordinal));
    }

    [Fact]
    public void TheServiceListensOnTheExposedPort8080()
    {
        Assert.Equal("8080", Assert.Single(File.Final.All("EXPOSE")));
        Assert.Equal("http://0.0.0.0:8080", File.Final.Environment["WAIVERDB_LISTEN"]);
        // The runtime image's own default would make Kestrel warn about two port settings.
        Assert.Equal(string.Empty, File.Final.Environment["ASPNETCORE_HTTP_PORTS"]);
    }

    [Fact]
    public void TheVersionLabelAndTheAboutVersionComeFromTheSameBuildArguments()
    {
        Assert.Equal("${VERSION}+${GIT_COMMIT}", File.Final.Labels["version"]);
        Assert.Contains("VERSION", File.Final.All("ARG"));
        Assert.Contains("GIT_COMMIT", File.Final.All("ARG"));
        var publish = Assert.Single(File.Stages[0].All("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("-p:VersionPrefix=\"$VERSION\"", publish, StringComparison.Ordinal);
        Assert.Contains("-p:SourceRevisionId=\"$GIT_COMMIT\"", publish, StringComparison.Ordinal);

        // The documented build reads the version where the .NET build does.
        var script = RepositoryFiles.Read("scripts/build-image.sh");
        Assert.Contains("<VersionPrefix>", script, StringComparison.Ordinal);
        Assert.Contains("--build-arg VERSION=\"$version\" --build-arg GIT_COMMIT=\"$commit\"", script, StringComparison.Ordinal);
        Assert.Contains("git rev-parse HEAD", script, StringComparison.Ordinal);
    }

    [Fact]
    public void EverythingTheBuildCopiesExistsAndIsNotIgnored()
    {
        var ignored = IgnoreFile(".containerignore");
        Assert.Equal(ignored, IgnoreFile(".dockerignore"));
        Assert.Contains(".git", ignored);

        foreach (var copy in File.Stages.SelectMany(s => s.All("COPY")).Where(c => !c.StartsWith("--from=", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ').Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1);
            foreach (var source in sources)
            {
                var path = RepositoryFiles.PathOf(source.TrimEnd('/'));
                Assert.True(System.IO.File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the checkout");
                Assert.DoesNotContain(source.TrimEnd('/').Split('/')[0], ignored);
            }
        }
    }

    [Fact]
    public void SettingsComeFromTheMountedFileTheServiceReadsByDefault()
    {
        Assert.Contains(File.Final.All("RUN"), r => r.Contains("mkdir -p /etc/waiverdb", StringComparison.Ordinal));
        Assert.Equal("/etc/waiverdb/settings.json", WaiverDb.Service.Settings.SettingsLoader.DefaultPath);
    }

    [Fact]
    public void EveryInstructionIsOneBuildersKnowAndEveryVariableAStageUsesIsDeclaredInIt()
    {
        string[] known = ["FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG",
            "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"];
        foreach (var stage in File.Stages)
        {
            Assert.All(stage.Instructions, i => Assert.Contains(i.Keyword, known));

            // A build argument is empty in a stage that does not declare it (ARG is per
            // stage), which would silently give an image without its version.
            var declared = stage.All("ARG").Select(a => a.Split('=')[0]).ToHashSet();
            var environment = stage.Environment.Keys.ToHashSet();
            foreach (var instruction in stage.Instructions.Where(i => i.Keyword is "LABEL" or "ENV" or "WORKDIR" or "USER" or "COPY"))
            {
                foreach (Match variable in BuildVariable().Matches(instruction.Arguments))
                {
                    var name = variable.Groups[1].Success ? variable.Groups[1].Value : variable.Groups[2].Value;
                    Assert.True(declared.Contains(name) || environment.Contains(name),
                        $"{instruction.Keyword} {instruction.Arguments}: ${name} is not declared by ARG or ENV in stage {stage.From}");
                }
            }
        }

        // Stages copied from exist before the copy, and the last USER of the image is not root.
        var names = File.Stages.Select(s => s.Name).OfType<string>().ToList();
        Assert.All(File.Stages.SelectMany(s => s.All("COPY")).Where(c => c.StartsWith("--from=", StringComparison.Ordinal)),
            c => Assert.Contains(c["--from=".Length..].Split(' ')[0], names));
        Assert.DoesNotContain(File.Final.All("USER"), u => u is "root" or "0" || u.StartsWith("0:", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex BuildVariable();

    private static string TargetFramework() =>
        XDocument.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("TargetFramework").Single().Value;

    private static string[] EntryPoint() =>
        [.. Quoted().Matches(Assert.Single(File.Final.All("ENTRYPOINT"))).Select(m => m.Groups[1].Value)];

    private static List<string> IgnoreFile(string name) =>
        [.. RepositoryFiles.Read(name).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Quoted();
}
