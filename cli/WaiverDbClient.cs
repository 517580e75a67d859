using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli;

/// <summary>
/// The API v1.0 as the tool uses it, over the shared contracts. A refusal becomes a
/// <see cref="CliException"/> carrying the server's <c>message</c> and the exit status. With
/// <paramref name="oidc"/>, every request carries its bearer token.
/// </summary>
public sealed class WaiverDbClient(HttpClient http, Uri apiUrl, OidcLogin? oidc = null)
{
    // Requests leave out absent fields rather than sending nulls.
    private static readonly JsonSerializerOptions RequestOptions = new(WaiverDbJsonContext.Default.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Uri ApiUrl => apiUrl;

    public async Task<IReadOnlyList<Waiver>> CreateAsync(IReadOnlyList<CreateWaiverRequest> waivers, string failure, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "waivers/", Body(waivers), ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.IReadOnlyListWaiver, failure, ct);
    }

    public async Task<WaiverPage> ListAsync(WaiverFilter filter, int page, int limit, bool includeObsolete, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<(string, string?)>
        {
            ("subject_type", filter.SubjectType),
            ("subject_identifier", filter.SubjectIdentifier),
            ("testcase", filter.Testcase),
            ("scenario", filter.Scenario),
            ("product_version", filter.ProductVersion),
            ("username", filter.Username),
            ("proxied_by", filter.ProxiedBy),
            ("since", filter.Since),
            ("include_obsolete", includeObsolete ? "true" : null),
            ("page", page.ToString(CultureInfo.InvariantCulture)),
            ("limit", limit.ToString(CultureInfo.InvariantCulture)),
        };
        var text = string.Join('&', query.Where(q => q.Item2 is not null)
            .Select(q => Uri.EscapeDataString(q.Item1) + "=" + Uri.EscapeDataString(q.Item2!)));
        return await GetPageAsync(new Uri(apiUrl, "waivers/?" + text), ct);
    }

    /// <summary>One page by its absolute URL, as the <c>next</c> links give it.</summary>
    public async Task<WaiverPage> GetPageAsync(Uri url, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, url.ToString(), null, ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.WaiverPage, "Failed to list waivers", ct);
    }

    public async Task<Waiver> GetAsync(int id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "waivers/" + id.ToString(CultureInfo.InvariantCulture), null, ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.Waiver, $"Failed to get waiver {id}", ct);
    }

    public async Task<WaiverList> FilterAsync(FilteredWaiversRequest request, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "waivers/+filtered", Body(request), ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.WaiverList, "Failed to filter waivers", ct);
    }

    public async Task<AboutResponse> AboutAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "about", null, ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.AboutResponse, "Failed to read the server's version", ct);
    }

    public async Task<IReadOnlyList<PermissionEntry>> PermissionsAsync(string? testcase, CancellationToken ct)
    {
        var path = testcase is null ? "permissions" : "permissions?testcase=" + Uri.EscapeDataString(testcase);
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.IReadOnlyListPermissionEntry, "Failed to read permissions", ct);
    }

    public async Task<AdminActionResponse> RevokeAsync(int id, string reason, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, AdminWaiverPath(id) + "/revoke", Body(new AdminReasonRequest(reason)), ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.AdminActionResponse, $"Failed to revoke waiver {id}", ct);
    }

    public async Task<AdminActionResponse> RemoveAsync(int id, string reason, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, AdminWaiverPath(id), Body(new AdminReasonRequest(reason)), ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.AdminActionResponse, $"Failed to remove waiver {id}", ct);
    }

    /// <summary>One page of the audit log; <paramref name="url"/> (a <c>next</c> link) instead of the first.</summary>
    public async Task<AdminAuditPage> AuditAsync(int? waiverId, int page, int limit, Uri? url, CancellationToken ct)
    {
        var query = $"admin/audit?page={page.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}"
            + (waiverId is { } id ? "&waiver_id=" + id.ToString(CultureInfo.InvariantCulture) : string.Empty);
        using var response = await SendAsync(HttpMethod.Get, url?.ToString() ?? query, null, ct);
        return await ReadAsync(response, WaiverDbJsonContext.Default.AdminAuditPage, "Failed to read the audit log", ct);
    }

    private static string AdminWaiverPath(int id) => "admin/waivers/" + id.ToString(CultureInfo.InvariantCulture);

    private static StringContent Body<T>(T value) =>
        new(JsonSerializer.Serialize(value, (JsonTypeInfo<T>)RequestOptions.GetTypeInfo(typeof(T))), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        var url = new Uri(apiUrl, path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (oidc is not null)
        {
            // Outside the request's timeout: a login in the browser takes as long as the user needs.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await oidc.GetAccessTokenAsync(ct));
        }

        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Could not reach WaiverDB at {url}: {e.Message}", ExitCodes.Unavailable);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(
                $"WaiverDB at {url} did not answer within {http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
                ExitCodes.Unavailable);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string failure, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode is HttpStatusCode.Unauthorized || (int)response.StatusCode >= 500
                ? ExitCodes.Unavailable
                : ExitCodes.Refused;
            var hint = response.StatusCode is HttpStatusCode.Unauthorized && oidc is not null ? " — " + OidcLogin.RefusedHint : string.Empty;
            throw new CliException($"{failure}: {ErrorMessage(text, response)}{hint}", status) { Data = { ["status"] = (int)response.StatusCode } };
        }

        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new JsonException("empty answer");
        }
        catch (JsonException e)
        {
            throw new CliException($"{failure}: the server's answer is not what WaiverDB sends ({e.Message})", ExitCodes.Unavailable);
        }
    }

    /// <summary>The server's <c>message</c> (a string, or upstream's per-field object), with each validation problem.</summary>
    internal static string ErrorMessage(string body, HttpResponseMessage response)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, WaiverDbJsonContext.Default.ErrorResponse);
            if (error?.Message is { } message)
            {
                var text = message.GetValueKind() == JsonValueKind.String ? message.GetValue<string>() : message.ToJsonString();
                if (error.ValidationError is { Count: > 0 } problems && message.GetValueKind() != JsonValueKind.String)
                {
                    text += " (" + ValidationErrors.Summary(problems) + ")";
                }

                return text;
            }
        }
        catch (JsonException)
        {
            // Not the API's error shape (a proxy's page, say): show what came back.
        }

        return body.Length > 0 ? body.Trim() : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
