using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Service.Waivers;

/// <summary>A row of the <c>waiver</c> table as Dapper reads it (snake_case columns matched by name).</summary>
internal sealed class WaiverRow
{
    public int Id { get; init; }

    public string SubjectType { get; init; } = string.Empty;

    public string SubjectIdentifier { get; init; } = string.Empty;

    public string Testcase { get; init; } = string.Empty;

    public string? Scenario { get; init; }

    public string Username { get; init; } = string.Empty;

    public string? ProxiedBy { get; init; }

    public string ProductVersion { get; init; } = string.Empty;

    public bool Waived { get; init; }

    public string? Comment { get; init; }

    public DateTime? Timestamp { get; init; }

    /// <summary>Rows matching the query before paging (only in paged queries).</summary>
    public long TotalCount { get; init; }

    public Waiver ToWaiver() => new()
    {
        Id = Id,
        SubjectType = SubjectType,
        SubjectIdentifier = SubjectIdentifier,
        Subject = SubjectMapping.ToLegacySubject(SubjectType, SubjectIdentifier),
        Testcase = Testcase,
        Scenario = Scenario,
        Username = Username,
        ProxiedBy = ProxiedBy,
        ProductVersion = ProductVersion,
        Waived = Waived,
        Comment = Comment,
        Timestamp = Timestamp,
    };
}
