namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// One page of <c>GET /waivers/</c>. The links are absolute, keep every other query
/// argument and are all null on a page past the end.
/// </summary>
public sealed record WaiverPage(IReadOnlyList<Waiver> Data, string? Prev, string? Next, string? First, string? Last);

/// <summary>An unpaginated answer: <c>+filtered</c> and <c>+by-subjects-and-testcases</c>.</summary>
public sealed record WaiverList(IReadOnlyList<Waiver> Data);
