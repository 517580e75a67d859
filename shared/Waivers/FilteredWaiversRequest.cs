namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// The body of <c>POST /waivers/+filtered</c>: filters are OR-ed, the keys inside one
/// filter AND-ed. Greenwave sends one filter per (subject, test case) of a decision.
/// </summary>
public sealed record FilteredWaiversRequest
{
    public IReadOnlyList<WaiverFilter>? Filters { get; init; }

    public bool? IncludeObsolete { get; init; }
}
