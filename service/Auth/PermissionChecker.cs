using System.Text.RegularExpressions;
using WaiverDb.Contracts;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth;

/// <summary>
/// Decides who may waive which test case, from <c>PERMISSIONS</c> or, when that is empty,
/// the deprecated <c>PERMISSION_MAPPING</c>. With neither, anyone may waive anything.
/// </summary>
public sealed class PermissionChecker
{
    private readonly IReadOnlyList<(PermissionEntry Entry, Regex[] Include, Regex[] Ignore)> _permissions;
    private readonly IReadOnlyList<(Regex Pattern, PermissionMappingEntry Entry)> _mapping;

    public PermissionChecker(WaiverDbSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _permissions = [.. settings.Permissions.Select(p =>
            (p, p.Testcases.Select(Glob.ToRegex).ToArray(), p.TestcasesIgnore.Select(Glob.ToRegex).ToArray()))];

        // Python's re.match anchors at the start only.
        _mapping = [.. settings.PermissionMapping.Select(pair =>
            (new Regex(@"\A(?:" + pair.Key + ")", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), pair.Value))];
    }

    /// <summary>The <c>PERMISSIONS</c> entries that cover <paramref name="testcase"/>.</summary>
    public IEnumerable<PermissionEntry> EntriesFor(string testcase) =>
        _permissions.Where(p => Covers(p.Include, p.Ignore, testcase)).Select(p => p.Entry);

    /// <summary>Whether <paramref name="user"/>, a member of <paramref name="groups"/>, may waive <paramref name="testcase"/>.</summary>
    public bool MayWaive(string user, IReadOnlyCollection<string> groups, string testcase)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (_permissions.Count > 0)
        {
            return EntriesFor(testcase).Any(entry => entry.Users.Contains(user, StringComparer.Ordinal)
                || entry.Groups.Any(group => groups.Contains(group, StringComparer.Ordinal)));
        }

        if (_mapping.Count > 0)
        {
            return _mapping.Where(m => m.Pattern.IsMatch(testcase)).Any(m => m.Entry.Users.Contains(user, StringComparer.Ordinal)
                || m.Entry.Groups.Any(group => groups.Contains(group, StringComparer.Ordinal)));
        }

        return true;
    }

    public static string DeniedMessage(string user, string testcase) =>
        $"User {user} is not authorized to submit results for the test case {testcase}";

    private static bool Covers(Regex[] include, Regex[] ignore, string testcase) =>
        include.Any(r => r.IsMatch(testcase)) && !ignore.Any(r => r.IsMatch(testcase));
}
