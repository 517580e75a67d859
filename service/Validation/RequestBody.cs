using System.Text.Json;
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
            if (FirstInvalidText(document.RootElement) is { } where)
            {
                document.Dispose();
                return (null, new ErrorResponse(LoneSurrogate(where)));
            }

            return (document, null);
        }
        catch (InvalidOperationException)
        {
            // Raised while comparing keys for duplicates when a key cannot be read.
            return (null, new ErrorResponse(LoneSurrogate("a key of the body")));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            return (null, new ErrorResponse($"The request body is not valid JSON{where}: {FirstSentence(e.Message)}"));
        }
    }

    /// <summary>
    /// JSON syntax allows <c>"\ud800"</c>, but no string can hold it: reading it later throws,
    /// and it cannot be stored or written back. So every key and string is read once here.
    /// </summary>
    private static string? FirstInvalidText(JsonElement element, string path = "the body")
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (FirstInvalidText(item, $"{path}[{index++}]") is { } inner)
                        {
                            return inner;
                        }
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (FirstInvalidText(property.Value, $"{path}.{property.Name}") is { } inner)
                        {
                            return inner;
                        }
                    }

                    break;
            }
        }
        catch (InvalidOperationException)
        {
            return $"{path} (or one of its keys)";
        }

        return null;
    }

    private static string LoneSurrogate(string where) =>
        $"The request body is not valid JSON: {where} holds an escaped lone surrogate (\\ud800-\\udfff), which is not text";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
