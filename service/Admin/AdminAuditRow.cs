using WaiverDb.Contracts.Admin;

namespace WaiverDb.Service.Admin;

/// <summary>A row of <c>waiverdb_admin_audit</c> as Dapper reads it (snake_case columns matched by name).</summary>
internal sealed class AdminAuditRow
{
    public long Id { get; init; }

    public string Action { get; init; } = string.Empty;

    public string Admin { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public DateTime Timestamp { get; init; }

    public int WaiverId { get; init; }

    public string SubjectType { get; init; } = string.Empty;

    public string SubjectIdentifier { get; init; } = string.Empty;

    public string Testcase { get; init; } = string.Empty;

    public string? Scenario { get; init; }

    public string ProductVersion { get; init; } = string.Empty;

    public int? RevocationId { get; init; }

    /// <summary>Rows matching the query before paging (only in the listing).</summary>
    public long TotalCount { get; init; }

    public AdminAuditEntry ToEntry() => new()
    {
        Id = Id,
        Action = Action,
        Admin = Admin,
        Reason = Reason,
        Timestamp = Timestamp,
        WaiverId = WaiverId,
        SubjectType = SubjectType,
        SubjectIdentifier = SubjectIdentifier,
        Testcase = Testcase,
        Scenario = Scenario,
        ProductVersion = ProductVersion,
        RevocationId = RevocationId,
    };
}
