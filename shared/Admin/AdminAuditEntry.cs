using System.Text.Json.Serialization;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Admin;

/// <summary>
/// One administrator operation in the audit log: who did what to which waiver, when and
/// why. Only the waiver's id and key are kept; a removed waiver's comment and user are not.
/// </summary>
public sealed record AdminAuditEntry
{
    public required long Id { get; init; }

    /// <summary><see cref="AdminAction.Revoke"/> or <see cref="AdminAction.Remove"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The administrator who did it.</summary>
    public required string Admin { get; init; }

    public required string Reason { get; init; }

    /// <summary>UTC, in the waivers' timestamp format.</summary>
    [JsonConverter(typeof(WaiverTimestampConverter))]
    public DateTime? Timestamp { get; init; }

    public required int WaiverId { get; init; }

    public required string SubjectType { get; init; }

    public required string SubjectIdentifier { get; init; }

    public required string Testcase { get; init; }

    public string? Scenario { get; init; }

    public required string ProductVersion { get; init; }

    /// <summary>For a revoke, the id of the <c>waived: false</c> waiver that supersedes the revoked one.</summary>
    public int? RevocationId { get; init; }
}
