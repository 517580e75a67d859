namespace WaiverDb.Contracts;

/// <summary>
/// One entry of the <c>PERMISSIONS</c> setting, as <c>GET /permissions</c> serves it:
/// the listed users and groups may waive the test cases that match a <see cref="Testcases"/>
/// glob and no <see cref="TestcasesIgnore"/> glob.
/// </summary>
public sealed record PermissionEntry
{
    public string? Name { get; init; }

    public IReadOnlyList<string> Maintainers { get; init; } = [];

    public IReadOnlyList<string> Testcases { get; init; } = [];

    public IReadOnlyList<string> TestcasesIgnore { get; init; } = [];

    public IReadOnlyList<string> Users { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];
}

/// <summary>One value of the deprecated <c>PERMISSION_MAPPING</c> setting (keyed by a test case regex).</summary>
public sealed record PermissionMappingEntry
{
    public IReadOnlyList<string> Groups { get; init; } = [];

    public IReadOnlyList<string> Users { get; init; } = [];
}

/// <summary><c>GET /config</c>.</summary>
public sealed record ConfigResponse(
    IReadOnlyDictionary<string, PermissionMappingEntry> PermissionMapping,
    IReadOnlyList<string> Superusers);
