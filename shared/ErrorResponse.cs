using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WaiverDb.Contracts;

/// <summary>
/// Every error the API returns. <see cref="Message"/> is a human-readable string (for the
/// <c>since</c> filter, as upstream, an object keyed by the field); validation failures
/// also list each problem in <see cref="ValidationError"/>.
/// </summary>
public sealed record ErrorResponse(JsonNode Message)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ValidationErrorItem>? ValidationError { get; init; }
}

/// <summary>
/// One validation problem, shaped as upstream's pydantic errors: <see cref="Loc"/> is the
/// path to the field (names and list indexes), <see cref="Type"/> a machine-readable kind.
/// </summary>
public sealed record ValidationErrorItem(IReadOnlyList<JsonNode> Loc, string Msg, string Type)
{
    /// <summary>The path as text, e.g. <c>comment</c> or <c>0.comment</c>.</summary>
    [JsonIgnore]
    public string Path => string.Join('.', Loc.Select(node => node.ToString()));
}
