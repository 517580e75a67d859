namespace WaiverDb.Contracts.Admin;

/// <summary>The <c>action</c> values of the audit log.</summary>
public static class AdminAction
{
    /// <summary>A superseding <c>waived: false</c> waiver was recorded.</summary>
    public const string Revoke = "revoke";

    /// <summary>The waiver row was deleted.</summary>
    public const string Remove = "remove";
}
