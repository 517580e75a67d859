using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Settings;

/// <summary>
/// The raw settings: the file's JSON values with same-named environment variables laid
/// over them. Readers check each value's type and collect a problem naming the key.
/// </summary>
internal sealed class SettingsSource(JsonObject file, Func<string, string?> environment)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public void Problem(string key, string message) => _problems.Add($"{key}: {message}");

    /// <summary>Whether the key is set at all (file or environment).</summary>
    public bool Has(string key) => environment(key) is not null || (file.TryGetPropertyValue(key, out var node) && node is not null);

    public string? String(string key)
    {
        if (environment(key) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Problem(key, "must be a string");
            return null;
        }

        return node.GetValue<string>();
    }

    public bool Bool(string key, bool fallback)
    {
        var node = ParsedNode(key);
        switch (node?.GetValueKind())
        {
            case null:
                return fallback;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                var text = node.GetValue<string>().Trim().ToLowerInvariant();
                if (text is "true" or "1" or "yes" or "on")
                {
                    return true;
                }

                if (text is "false" or "0" or "no" or "off" or "")
                {
                    return false;
                }

                break;
        }

        Problem(key, "must be true or false");
        return fallback;
    }

    public double Number(string key, double fallback, double min, double max)
    {
        var node = ParsedNode(key);
        if (node is null)
        {
            return fallback;
        }

        double value;
        if (node.GetValueKind() == JsonValueKind.Number)
        {
            value = node.GetValue<double>();
        }
        else if (node.GetValueKind() != JsonValueKind.String
                 || !double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            Problem(key, "must be a number");
            return fallback;
        }

        if (value < min || value > max)
        {
            Problem(key, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
            return fallback;
        }

        return value;
    }

    public int Integer(string key, int fallback, int min, int max)
    {
        var value = Number(key, fallback, min, max);
        if (value != Math.Floor(value))
        {
            Problem(key, "must be a whole number");
            return fallback;
        }

        return (int)value;
    }

    /// <summary>Whether the key's value is a list (for keys that take a list or one string).</summary>
    public bool IsList(string key) => ParsedNode(key) is JsonArray;

    public IReadOnlyList<string> StringList(string key) =>
        Typed(key, WaiverDbJsonContext.Default.IReadOnlyListString, "must be a list of strings") ?? [];

    /// <summary>A structured value (list or object) deserialized with the API's JSON context.</summary>
    public T? Typed<T>(string key, JsonTypeInfo<T> type, string expectation)
    {
        var node = ParsedNode(key);
        if (node is null)
        {
            return default;
        }

        try
        {
            var value = node.Deserialize(type);
            if (value is null)
            {
                Problem(key, expectation);
            }

            return value;
        }
        catch (JsonException e)
        {
            Problem(key, $"{expectation} ({e.Message})");
            return default;
        }
    }

    /// <summary>The raw value, for settings with more than one accepted shape; null when unset.</summary>
    public JsonNode? Value(string key) => ParsedNode(key);

    private JsonNode? Node(string key) => file.TryGetPropertyValue(key, out var node) ? node : null;

    /// <summary>
    /// Environment variables hold text: JSON text (<c>["bodhi"]</c>, <c>true</c>, <c>5</c>) is
    /// parsed, anything else is taken as a string.
    /// </summary>
    private JsonNode? ParsedNode(string key)
    {
        if (environment(key) is not { } text)
        {
            return Node(key);
        }

        try
        {
            return JsonNode.Parse(text) ?? JsonValue.Create(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
