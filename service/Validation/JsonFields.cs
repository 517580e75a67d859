using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Validation;

/// <summary>
/// Reads the fields of one JSON object with upstream's (pydantic's) lax typing, recording
/// a <see cref="ValidationErrorItem"/> for each field of the wrong type instead of stopping
/// at the first, so a 400 lists every problem. JSON null counts as absent.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement _object;
    private readonly string? _list;
    private readonly int? _index;

    /// <summary>
    /// The fields of <paramref name="value"/>, found at <paramref name="list"/>[<paramref name="index"/>]
    /// of the body (either may be absent: <c>[3]</c> for the fourth waiver of a list, nothing
    /// for the body itself). The location is kept as given and made into JSON only for an
    /// error: Greenwave's bodies hold hundreds of filters, nearly always valid.
    /// </summary>
    public JsonFields(JsonElement value, List<ValidationErrorItem> errors, string? list = null, int? index = null)
    {
        _object = value;
        Errors = errors;
        _list = list;
        _index = index;
        IsObject = value.ValueKind == JsonValueKind.Object;
        if (!IsObject)
        {
            Errors.Add(new ValidationErrorItem(Prefix, "Input should be a valid dictionary or object", "model_type"));
        }
    }

    public bool IsObject { get; }

    public List<ValidationErrorItem> Errors { get; }

    /// <summary>The location prefix of this object, e.g. <c>[0]</c> for the first waiver of a list.</summary>
    public JsonNode[] Prefix => (_list, _index) switch
    {
        (null, null) => [],
        (null, { } i) => [JsonValue.Create(i)],
        ({ } list, null) => [JsonValue.Create(list)],
        ({ } list, { } i) => [JsonValue.Create(list), JsonValue.Create(i)],
    };

    public string? String(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        Error(name, "Input should be a valid string", "string_type");
        return null;
    }

    /// <summary>true/false, and as pydantic also the strings and numbers that clearly mean one.</summary>
    public bool? Bool(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String when ParseBool(value.GetString()) is { } parsed:
                return parsed;
            case JsonValueKind.Number when value.TryGetInt32(out var number) && number is 0 or 1:
                return number == 1;
        }

        Error(name, "Input should be a valid boolean", "bool_type");
        return null;
    }

    /// <summary>An integer, or a string holding one (pydantic's lax mode).</summary>
    public long? Integer(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        Error(name, "Input should be a valid integer", "int_type");
        return null;
    }

    /// <summary>An object whose values are strings (or null), such as a legacy subject.</summary>
    public IReadOnlyDictionary<string, string?>? StringMap(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, "Input should be a valid dictionary", "dict_type");
            return null;
        }

        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                Errors.Add(new ValidationErrorItem([.. Prefix, JsonValue.Create(name), JsonValue.Create(property.Name)],
                    "Input should be a valid string", "string_type"));
                continue;
            }

            map[property.Name] = property.Value.GetString();
        }

        return map;
    }

    /// <summary>A list, whose items the caller reads.</summary>
    public IReadOnlyList<JsonElement>? List(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, "Input should be a valid list", "list_type");
            return null;
        }

        return [.. value.EnumerateArray()];
    }

    /// <summary>Refuses keys that are not in <paramref name="known"/>: a mistyped filter key must not widen a query.</summary>
    public void ForbidUnknown(string[] known)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (!IsObject)
        {
            return;
        }

        foreach (var property in _object.EnumerateObject())
        {
            if (!IsKnown(property, known))
            {
                Error(property.Name, "Extra inputs are not permitted", "extra_forbidden");
            }
        }
    }

    private static bool IsKnown(JsonProperty property, string[] known)
    {
        foreach (var name in known)
        {
            if (property.NameEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    public void Error(string name, string message, string type) =>
        Errors.Add(new ValidationErrorItem([.. Prefix, JsonValue.Create(name)], message, type));

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return IsObject && _object.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static bool? ParseBool(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "t" or "yes" or "y" or "on" or "1" => true,
        "false" or "f" or "no" or "n" or "off" or "0" => false,
        _ => null,
    };
}
