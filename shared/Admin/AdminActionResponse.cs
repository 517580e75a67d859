using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Admin;

/// <summary>What a revoke or remove did: its audit entry and, for a revoke, the new waiver.</summary>
public sealed record AdminActionResponse(AdminAuditEntry Audit, Waiver? Waiver);

/// <summary>One page of <c>GET /admin/audit</c>, newest first, with absolute links as the waiver list has.</summary>
public sealed record AdminAuditPage(IReadOnlyList<AdminAuditEntry> Data, long Total, string? Prev, string? Next, string? First, string? Last);
