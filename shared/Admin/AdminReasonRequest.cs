namespace WaiverDb.Contracts.Admin;

/// <summary>The body of an administrator's revoke or remove: why it is done, for the audit log.</summary>
public sealed record AdminReasonRequest(string Reason)
{
    /// <summary>Longest reason accepted: it becomes part of a revocation's comment, which has its own bound.</summary>
    public const int MaxLength = 4096;
}
