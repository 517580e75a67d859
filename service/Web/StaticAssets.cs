using System.Security.Cryptography;

namespace WaiverDb.Service.Web;

/// <summary>
/// The pages' stylesheet, script and icon, embedded in the service (no CDN) and served with
/// cache headers: a day of caching, revalidated by an ETag of the content.
/// </summary>
public static class StaticAssets
{
    public const string StylesheetPath = "/static/site.css";
    public const string FormScriptPath = "/api/v1.0/waivers/new/new_waiver.js";
    public const string IconPath = "/favicon.png";
    public const string CacheControl = "public, max-age=86400";

    public static IEndpointRouteBuilder MapStaticAssets(this IEndpointRouteBuilder app)
    {
        Map(app, StylesheetPath, "site.css", "text/css; charset=utf-8");
        Map(app, FormScriptPath, "new_waiver.js", "text/javascript; charset=utf-8");
        Map(app, IconPath, "favicon.png", "image/png");
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string path, string resource, string contentType)
    {
        var content = Read(resource);
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"";
        app.MapGet(path, (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = CacheControl;
            headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch.Contains(etag))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            return Results.Bytes(content, contentType);
        }).ExcludeFromDescription();
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"the embedded asset {name} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
