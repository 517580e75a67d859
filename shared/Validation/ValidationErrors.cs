using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation.Results;

namespace WaiverDb.Contracts.Validation;

/// <summary>Turns FluentValidation's failures into upstream-shaped <see cref="ValidationErrorItem"/>s.</summary>
public static partial class ValidationErrors
{
    /// <summary>Converts each failure, its location prefixed by <paramref name="prefix"/> (e.g. a list index).</summary>
    public static IEnumerable<ValidationErrorItem> From(ValidationResult result, params JsonNode[] prefix)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Errors.Select(failure => new ValidationErrorItem(
            [.. prefix.Select(p => p.DeepClone()), .. Loc(failure.PropertyName)],
            failure.ErrorMessage,
            string.IsNullOrEmpty(failure.ErrorCode) ? "value_error" : failure.ErrorCode));
    }

    /// <summary>"filters[2].since" becomes ["filters", 2, "since"].</summary>
    public static IEnumerable<JsonNode> Loc(string propertyPath)
    {
        if (string.IsNullOrEmpty(propertyPath))
        {
            yield break;
        }

        foreach (var part in propertyPath.Split('.'))
        {
            var match = Indexed().Match(part);
            if (!match.Success)
            {
                yield return JsonValue.Create(part);
                continue;
            }

            if (match.Groups["name"].Length > 0)
            {
                yield return JsonValue.Create(match.Groups["name"].Value);
            }

            foreach (Capture index in match.Groups["index"].Captures)
            {
                yield return JsonValue.Create(int.Parse(index.Value, CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>One line naming every problem, e.g. <c>comment: Field required</c>.</summary>
    public static string Summary(IEnumerable<ValidationErrorItem> errors) =>
        string.Join("; ", errors.Select(e => e.Loc.Count == 0 ? e.Msg : $"{e.Path}: {e.Msg}"));

    [GeneratedRegex(@"^(?<name>[^\[]*)(?:\[(?<index>\d+)\])+$")]
    private static partial Regex Indexed();
}
