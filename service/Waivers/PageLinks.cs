using System.Globalization;
using System.Text;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Service.Waivers;

/// <summary>
/// Absolute <c>prev</c>/<c>next</c>/<c>first</c>/<c>last</c> links of a page: the request's
/// own URL with every other query argument kept and <c>page</c> replaced.
/// </summary>
public static class PageLinks
{
    public static WaiverPage Build(HttpRequest request, IReadOnlyList<Waiver> data, long total, int page, int limit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (data.Count == 0)
        {
            return new WaiverPage(data, null, null, null, null);
        }

        var pages = (int)Math.Max(1, (total + limit - 1) / limit);
        return new WaiverPage(
            data,
            page > 1 ? Link(request, page - 1) : null,
            page < pages ? Link(request, page + 1) : null,
            Link(request, 1),
            Link(request, pages));
    }

    /// <summary>The request's URL with <c>page</c> replaced; the audit log pages the same way.</summary>
    internal static string Link(HttpRequest request, int page)
    {
        var url = new StringBuilder()
            .Append(request.Scheme).Append("://").Append(request.Host.ToUriComponent())
            .Append(request.PathBase.ToUriComponent()).Append(request.Path.ToUriComponent())
            .Append("?page=").Append(page.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, values) in request.Query)
        {
            if (key == "page")
            {
                continue;
            }

            foreach (var value in values)
            {
                url.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
            }
        }

        return url.ToString();
    }
}
