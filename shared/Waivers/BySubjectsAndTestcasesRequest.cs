namespace WaiverDb.Contracts.Waivers;

/// <summary>The body of the deprecated <c>POST /waivers/+by-subjects-and-testcases</c>.</summary>
public sealed record BySubjectsAndTestcasesRequest
{
    public IReadOnlyList<SubjectTestcase>? Results { get; init; }

    public string? ProductVersion { get; init; }

    public string? Username { get; init; }

    public string? ProxiedBy { get; init; }

    public string? Since { get; init; }

    public bool? IncludeObsolete { get; init; }
}

/// <summary>A legacy subject dictionary and a test case.</summary>
public sealed record SubjectTestcase
{
    public IReadOnlyDictionary<string, string?>? Subject { get; init; }

    public string? Testcase { get; init; }
}
