namespace WaiverDb.Contracts.Waivers;

/// <summary>
/// One waiver to create (<c>POST /waivers/</c> takes one of these or a list of them).
/// A waiver names its subject by <see cref="SubjectType"/> and <see cref="SubjectIdentifier"/>,
/// by the legacy <see cref="Subject"/> dictionary, or by a ResultsDB <see cref="ResultId"/>.
/// </summary>
public sealed record CreateWaiverRequest
{
    public string? SubjectType { get; init; }

    public string? SubjectIdentifier { get; init; }

    /// <summary>Legacy: <c>{"type", "item"}</c>, <c>{"original_spec_nvr"}</c> or <c>{"productmd.compose.id"}</c>.</summary>
    public IReadOnlyDictionary<string, string?>? Subject { get; init; }

    public string? Testcase { get; init; }

    public string? Scenario { get; init; }

    /// <summary>Legacy: the server derives subject, test case and scenario from this ResultsDB result.</summary>
    public long? ResultId { get; init; }

    public string? ProductVersion { get; init; }

    public string? Comment { get; init; }

    /// <summary>Defaults to true.</summary>
    public bool? Waived { get; init; }

    /// <summary>Record the waiver for this user; only superusers may (proxying).</summary>
    public string? Username { get; init; }
}
