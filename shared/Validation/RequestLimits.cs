namespace WaiverDb.Contracts.Validation;

/// <summary>
/// How many filters and waivers one request may carry (<c>MAX_FILTERS</c>,
/// <c>MAX_WAIVERS_PER_REQUEST</c>): each bound keeps one query or one transaction a sane size.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>Greenwave sends a few hundred (subject, test case) pairs at once.</summary>
    public const int DefaultMaxFilters = 2000;

    /// <summary>Bodhi sends one list per update; a thousand covers the largest ones.</summary>
    public const int DefaultMaxWaiversPerRequest = 1000;

    public static RequestLimits Default { get; } = new();

    public int MaxFilters { get; init; } = DefaultMaxFilters;

    public int MaxWaiversPerRequest { get; init; } = DefaultMaxWaiversPerRequest;
}
