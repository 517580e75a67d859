using WaiverDb.Contracts;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Service.Waivers;

/// <summary>
/// Which waivers a read returns: rows matching any of <see cref="Filters"/>, without the
/// obsolete ones unless <see cref="IncludeObsolete"/>, newest first, optionally one page.
/// </summary>
public sealed record WaiverQuery(
    IReadOnlyList<FilterRow> Filters,
    bool IncludeObsolete,
    Obsolescence Obsolescence,
    int? Limit = null,
    int Offset = 0);

/// <summary>
/// The two groupings upstream uses to decide that a newer waiver replaces an older one.
/// </summary>
public enum Obsolescence
{
    /// <summary><c>GET /waivers/</c> and <c>+by-subjects-and-testcases</c>: same subject, test case, scenario, user and product version.</summary>
    PerUserAndProductVersion,

    /// <summary><c>+filtered</c>: same subject, test case and scenario, whoever waived it for whichever product version.</summary>
    PerSubjectAndTestcase,
}

/// <summary>One filter with its <c>since</c> range parsed; null fields match anything.</summary>
public sealed record FilterRow(
    string? SubjectType = null,
    string? SubjectIdentifier = null,
    string? Testcase = null,
    string? Scenario = null,
    string? ProductVersion = null,
    string? Username = null,
    string? ProxiedBy = null,
    DateTime? SinceFrom = null,
    DateTime? SinceTo = null)
{
    /// <summary>Converts a validated filter (its <c>since</c> already known to parse).</summary>
    public static FilterRow From(WaiverFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var since = filter.Since is { } text && SinceParser.TryParse(text, out var range, out _) ? range : default;
        return new FilterRow(
            filter.SubjectType is { } type ? SubjectMapping.NormalizeType(type) : null,
            filter.SubjectIdentifier,
            filter.Testcase,
            filter.Scenario,
            filter.ProductVersion,
            filter.Username,
            filter.ProxiedBy,
            since.From,
            since.To);
    }
}
