using System.Text.Json.Serialization;

namespace WaiverDb.Contracts.Waivers;

/// <summary>A stored waiver, exactly as API v1.0 returns it.</summary>
public sealed record Waiver
{
    public required int Id { get; init; }

    public required string SubjectType { get; init; }

    public required string SubjectIdentifier { get; init; }

    /// <summary>
    /// Legacy echo of the subject, computed from <see cref="SubjectType"/> and
    /// <see cref="SubjectIdentifier"/>; Bodhi and older Greenwave releases still read it.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Subject { get; init; }

    public required string Testcase { get; init; }

    public string? Scenario { get; init; }

    public required string Username { get; init; }

    public string? ProxiedBy { get; init; }

    public required string ProductVersion { get; init; }

    public required bool Waived { get; init; }

    public string? Comment { get; init; }

    /// <summary>UTC, written without a zone suffix and with exactly six fractional digits.</summary>
    [JsonConverter(typeof(WaiverTimestampConverter))]
    public DateTime? Timestamp { get; init; }
}
