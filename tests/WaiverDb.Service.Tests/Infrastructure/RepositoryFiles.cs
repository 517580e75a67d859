namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>Files of the checkout the tests run from (the Containerfile, openshift/, ...).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props"))
                && Directory.Exists(Path.Combine(directory.FullName, "service")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no checkout above {AppContext.BaseDirectory}");
    }
}
