using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Web.Tests.Infrastructure;

/// <summary>
/// Where the browser tests save the README's screenshots. Every run takes them (a page that
/// cannot be rendered fails the test), but only <c>make screenshots</c>
/// (WAIVERDB_UPDATE_SCREENSHOTS=1) writes them into docs/: otherwise each test run would
/// change the committed images, whose clock times differ from run to run.
/// </summary>
internal static class Screenshots
{
    public static string PathOf(string name) =>
        Environment.GetEnvironmentVariable("WAIVERDB_UPDATE_SCREENSHOTS") == "1"
            ? RepositoryFiles.PathOf(Path.Combine("docs", name))
            : Path.Combine(AppContext.BaseDirectory, "screenshots", name);
}
