using System.Text;
using System.Text.RegularExpressions;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// <c>?callback=name</c> wraps a GET's JSON answer as JSONP, as upstream does. Unlike
/// upstream, which reflects the callback unescaped, only a JavaScript identifier path
/// (<c>cb</c>, <c>jQuery123.cb</c>) is accepted; anything else is 400.
/// </summary>
public sealed partial class JsonpMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsJsonp(context.Request))
        {
            await next(context);
            return;
        }

        var callback = context.Request.Query["callback"][0]!;
        if (!Identifier().IsMatch(callback))
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ErrorResponse(
                "callback must be a JavaScript identifier or a dotted path of identifiers, such as jQuery123.cb"));
            return;
        }

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        buffer.Position = 0;
        if (context.Response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await buffer.CopyToAsync(original, context.RequestAborted);
            return;
        }

        var prefix = Encoding.UTF8.GetBytes(callback + "(");
        var suffix = ");"u8.ToArray();
        context.Response.ContentType = "application/javascript";
        context.Response.ContentLength = prefix.Length + buffer.Length + suffix.Length;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await original.WriteAsync(prefix, context.RequestAborted);
        await buffer.CopyToAsync(original, context.RequestAborted);
        await original.WriteAsync(suffix, context.RequestAborted);
    }

    /// <summary>
    /// A GET with a callback. Its answer is readable by any site that includes it with a
    /// script tag, which the browser sends with the user's cookies, Negotiate ticket or
    /// certificate; so such a request is never authenticated (see ConfiguredAuthenticationHandler).
    /// </summary>
    public static bool IsJsonp(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // As upstream, an empty callback is no callback.
        return HttpMethods.IsGet(request.Method) && request.Query["callback"] is { Count: > 0 } values && !string.IsNullOrEmpty(values[0]);
    }

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]{0,63}(\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,7}$")]
    private static partial Regex Identifier();
}
