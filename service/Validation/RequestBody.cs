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
            return (document, null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            return (null, new ErrorResponse($"The request body is not valid JSON{where}: {FirstSentence(e.Message)}"));
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
