namespace WaiverDb.Service.Waivers;

/// <summary>A waiver ready to insert: subject resolved, user and proxy decided, checks passed.</summary>
public sealed record NewWaiver(
    string SubjectType,
    string SubjectIdentifier,
    string Testcase,
    string? Scenario,
    string Username,
    string? ProxiedBy,
    string ProductVersion,
    bool Waived,
    string? Comment);
