using System.Text.Json;
using System.Text.Json.Nodes;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Validation;

namespace WaiverDb.Service.Admin;

/// <summary>
/// Reads the required <c>reason</c> of a revoke or remove: from a JSON body
/// <c>{"reason": "..."}</c> or, when there is no body (a DELETE from a plain HTTP client),
/// from <c>?reason=</c>. Giving it both ways is refused, as is any other key.
/// </summary>
public static class AdminReason
{
    private const string Field = "reason";

    public static async Task<(string? Reason, ErrorResponse? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.EnableBuffering();
        var hasBody = await HasBodyAsync(request, ct);
        var query = request.Query[Field];
        if (!hasBody)
        {
            return query.Count switch
            {
                0 => Invalid("Field required", "missing"),
                1 => Check(query[0]),
                _ => Invalid("Give the reason once", "value_error"),
            };
        }

        if (query.Count > 0)
        {
            return Invalid("Give the reason in the body or in the query string, not both", "value_error");
        }

        var (document, malformed) = await RequestBody.ReadAsync(request, ct);
        if (document is null)
        {
            return (null, malformed);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, new ErrorResponse("The request body must be a JSON object: {\"reason\": \"...\"}"));
            }

            var extra = document.RootElement.EnumerateObject().FirstOrDefault(p => p.Name != Field);
            if (extra.Value.ValueKind != JsonValueKind.Undefined)
            {
                return Invalid("Extra inputs are not permitted", "extra_forbidden", extra.Name);
            }

            if (!document.RootElement.TryGetProperty(Field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return Invalid("Field required", "missing");
            }

            return value.ValueKind == JsonValueKind.String ? Check(value.GetString()) : Invalid("Input should be a valid string", "string_type");
        }
    }

    private static (string?, ErrorResponse?) Check(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Invalid("must say why (an empty reason is not one)", "value_error");
        }

        if (reason.Length > AdminReasonRequest.MaxLength)
        {
            return Invalid($"String should have at most {AdminReasonRequest.MaxLength} characters", "string_too_long");
        }

        return reason.Contains('\0', StringComparison.Ordinal) ? Invalid("must not contain NUL characters", "value_error") : (reason.Trim(), null);
    }

    private static (string?, ErrorResponse?) Invalid(string message, string type, string field = Field)
    {
        IReadOnlyList<ValidationErrorItem> errors = [new ValidationErrorItem([JsonValue.Create(field)], message, type)];
        return (null, new ErrorResponse(ValidationErrors.Summary(errors)) { ValidationError = errors });
    }

    private static async Task<bool> HasBodyAsync(HttpRequest request, CancellationToken ct)
    {
        // Whitespace is no body: curl -X DELETE sends none, some clients send an empty line.
        var buffer = new byte[256];
        var any = false;
        int read;
        while (!any && (read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            any = buffer.AsSpan(0, read).IndexOfAnyExcept(" \t\r\n"u8) >= 0;
        }

        request.Body.Position = 0;
        return any;
    }
}
