using System.Globalization;
using System.Text.Json;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Waivers;

/// <summary>What a waiver created by <c>result_id</c> is about, as ResultsDB recorded the result.</summary>
public sealed record ResultSubject(string SubjectType, string SubjectIdentifier, string Testcase, string? Scenario);

/// <summary>A result that could not be used: <see cref="Status"/> is 400 (the client's) or 503 (ResultsDB's).</summary>
public sealed record ResultLookupError(int Status, string Message);

/// <summary>
/// Looks results up in ResultsDB (<c>GET {RESULTSDB_API_URL}/results/{id}</c>) for the
/// legacy <c>result_id</c> input, with the timeout of <c>RESULTSDB_TIMEOUT</c>.
/// </summary>
public sealed class ResultsDbClient(HttpClient http, WaiverDbSettings settings, ILogger<ResultsDbClient> logger)
{
    private const string FailurePrefix = "Failed looking up result in Resultsdb: ";

    public async Task<(ResultSubject? Subject, ResultLookupError? Error)> LookUpAsync(long resultId, CancellationToken ct)
    {
        if (settings.ResultsDbApiUrl is not { } api)
        {
            return (null, new ResultLookupError(StatusCodes.Status400BadRequest,
                "result_id cannot be used: this server has no RESULTSDB_API_URL; give subject_type, subject_identifier and testcase"));
        }

        // A URL without a path reads back as "http://host/": trim it so the path is not "//results/…".
        var url = new Uri(api.AbsoluteUri.TrimEnd('/') + "/results/" + resultId.ToString(CultureInfo.InvariantCulture));
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("ResultsDB did not answer for result {ResultId} within {Timeout}", resultId, http.Timeout);
            return (null, Unavailable($"no answer within {http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"));
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "ResultsDB could not be reached for result {ResultId}", resultId);
            return (null, Unavailable(e.Message));
        }

        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return (null, new ResultLookupError(StatusCodes.Status400BadRequest, $"Result {resultId} not found in Resultsdb"));
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("ResultsDB answered {Status} for result {ResultId}", (int)response.StatusCode, resultId);
                return (null, Unavailable($"ResultsDB answered {(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: ct);
                return Read(resultId, document.RootElement);
            }
            catch (JsonException e)
            {
                return (null, Unavailable($"ResultsDB answered with invalid JSON ({e.Message})"));
            }
        }
    }

    /// <summary>
    /// A ResultsDB result carries its subject in <c>data</c>, each value a list:
    /// <c>{"type": ["koji_build"], "item": ["nvr"]}</c> or the older
    /// <c>original_spec_nvr</c> / <c>productmd.compose.id</c> keys.
    /// </summary>
    private static (ResultSubject?, ResultLookupError?) Read(long resultId, JsonElement result)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("data", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in values.EnumerateObject())
            {
                data[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Array when property.Value.GetArrayLength() > 0 && property.Value[0].ValueKind == JsonValueKind.String
                        => property.Value[0].GetString(),
                    JsonValueKind.String => property.Value.GetString(),
                    _ => null,
                };
            }
        }

        string? testcase = null;
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("testcase", out var tc)
            && tc.ValueKind == JsonValueKind.Object && tc.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            testcase = name.GetString();
        }

        if (!SubjectMapping.TryFromLegacySubject(data, out var type, out var identifier) || string.IsNullOrEmpty(testcase))
        {
            return (null, new ResultLookupError(StatusCodes.Status400BadRequest,
                $"Result {resultId} in Resultsdb has no subject and test case a waiver can be recorded for"));
        }

        data.TryGetValue("scenario", out var scenario);
        return (new ResultSubject(type, identifier, testcase, scenario), null);
    }

    private static ResultLookupError Unavailable(string why) => new(StatusCodes.Status503ServiceUnavailable, FailurePrefix + why);
}
