using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Validation;

/// <summary>
/// Reads a request body as JSON. Bodies are read as documents rather than bound to types
/// because the API accepts an object or a list in one place and must name every
/// mistyped field in upstream's error shape, which model binding cannot.
/// </summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 32,
        // Which of two same-named keys would win is a guess; refuse the body instead.
        AllowDuplicateProperties = false,
    };

    /// <summary>The parsed body, or null with an error saying why it is not JSON.</summary>
    public static async Task<(JsonDocument? Document, ErrorResponse? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, Options, ct);
            if (FirstInvalidText(document.RootElement) is { } what)
            {
                document.Dispose();
                return (null, new ErrorResponse(NotText(what)));
            }

            return (document, null);
        }
        catch (InvalidOperationException)
        {
            // Raised while comparing keys for duplicates when a key cannot be read.
            return (null, new ErrorResponse(NotText($"a key of the body holds {Unreadable}")));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            return (null, new ErrorResponse($"The request body is not valid JSON{where}: {FirstSentence(e.Message)}"));
        }
    }

    // Text must be UTF-8, which the parser does not check inside strings and keys, and its
    // escapes must make no lone surrogate: "\ud800" is valid JSON syntax, but no string can
    // hold it. Either way reading it later throws, and it could not be stored or written
    // back. Only text with a backslash needs decoding to tell; the rest is checked as bytes.
    // The path naming the culprit is built only when there is one: a 200-filter body holds
    // 800 keys and strings.
    private const string Unreadable = "bytes that are not UTF-8 or an escaped lone surrogate (\\ud800-\\udfff)";

    /// <summary>Where the first unreadable key or string is, and what it holds; null when there is none.</summary>
    private static string? FirstInvalidText(JsonElement element) => IsSound(element) ? null : Locate(element, "the body");

    private static bool IsSound(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsSoundValue(element);
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsSound(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsSoundName(property) || !IsSound(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool IsSoundValue(JsonElement text) =>
        IsSoundText(JsonMarshal.GetRawUtf8Value(text), text, static t => t.GetString());

    private static bool IsSoundName(JsonProperty property) =>
        IsSoundText(JsonMarshal.GetRawUtf8PropertyName(property), property, static p => p.Name);

    /// <summary>
    /// Whether <paramref name="raw"/>, a string's or key's JSON text, is readable: as bytes when
    /// it holds no escape, else by <paramref name="read"/> (static, so no closure is made per key).
    /// </summary>
    private static bool IsSoundText<T>(ReadOnlySpan<byte> raw, T source, Func<T, string?> read)
    {
        if (!raw.Contains((byte)'\\'))
        {
            return Utf8.IsValid(raw);
        }

        try
        {
            _ = read(source);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The message for the first unreadable key or string of an element known to hold one.</summary>
    private static string Locate(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return $"{path} holds {What(JsonMarshal.GetRawUtf8Value(element))}";
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsSound(item))
                    {
                        return Locate(item, $"{path}[{index}]");
                    }

                    index++;
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsSoundName(property))
                    {
                        return $"a key of {path} holds {What(JsonMarshal.GetRawUtf8PropertyName(property))}";
                    }

                    if (!IsSound(property.Value))
                    {
                        return Locate(property.Value, $"{path}.{property.Name}");
                    }
                }

                break;
        }

        return $"{path} holds {Unreadable}";
    }

    private static string What(ReadOnlySpan<byte> raw) =>
        Utf8.IsValid(raw) ? "an escaped lone surrogate (\\ud800-\\udfff)" : "bytes that are not UTF-8";

    private static string NotText(string what) => $"The request body is not valid JSON: {what}, which is not text";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
