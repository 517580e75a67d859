namespace WaiverDb.Contracts.Admin;

/// <summary>
/// The body of <c>waiverdb.waiver.deleted</c>: the id and key of a waiver an administrator
/// removed, so consumers re-evaluate that subject and test case. Nothing else of the
/// waiver is sent: it was removed because its content must not exist.
/// </summary>
public sealed record WaiverDeletedMessage(
    int Id,
    string SubjectType,
    string SubjectIdentifier,
    string Testcase,
    string? Scenario,
    string ProductVersion);
