namespace WaiverDb.Contracts.Validation;

/// <summary>Column sizes of the <c>waiver</c> table that inputs are checked against.</summary>
public static class FieldLimits
{
    public const int Username = 255;
    public const int ProxiedBy = 255;
    public const int ProductVersion = 200;
    public const int Scenario = 255;

    /// <summary>Text columns have no size; this bound keeps one waiver a sane size.</summary>
    public const int Text = 8192;
}
