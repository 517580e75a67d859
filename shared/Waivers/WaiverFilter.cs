namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// Exact-match filters on waivers; every field that is set must match. The keys are
/// the query parameters of <c>GET /waivers/</c> and of each <c>+filtered</c> filter.
/// </summary>
public sealed record WaiverFilter
{
    public string? SubjectType { get; init; }

    public string? SubjectIdentifier { get; init; }

    public string? Testcase { get; init; }

    public string? Scenario { get; init; }

    public string? ProductVersion { get; init; }

    public string? Username { get; init; }

    public string? ProxiedBy { get; init; }

    /// <summary>One ISO-8601 datetime (lower bound) or two separated by a comma; both inclusive.</summary>
    public string? Since { get; init; }
}
