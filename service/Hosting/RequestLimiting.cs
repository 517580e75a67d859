using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WaiverDb.Contracts;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// The limits of <see cref="ServerLimits"/>: Kestrel's connection limits, and request size
/// checks that answer the API's JSON error naming the setting (Kestrel's own rejections
/// have no body, so its size limits are set above ours and only catch what is far over).
/// </summary>
public static class RequestLimiting
{
    public static WebApplicationBuilder AddServerLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<WaiverDbSettings>().Limits.Request);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<WaiverDbSettings>((options, settings) =>
        {
            var limits = settings.Limits;
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = limits.MaxContentLength + 1;
            options.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersSize * 2;
            options.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            options.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            options.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyDataRate, TimeSpan.FromSeconds(5));
            options.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            options.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
        });
        return builder;
    }

    /// <summary>Refuses oversized headers (431) and bodies (413) before any handler reads them.</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.Services.GetRequiredService<WaiverDbSettings>().Limits;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HeadersSize(request.Headers) > limits.MaxRequestHeadersSize)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, new ErrorResponse(
                    $"The request headers are larger than MAX_REQUEST_HEADERS_SIZE ({limits.MaxRequestHeadersSize.ToString(CultureInfo.InvariantCulture)} bytes)"));
                return;
            }

            if (!IsValidHost(request.Host))
            {
                // Kestrel checks the characters of Host; behind a proxy, or in-process, nobody has.
                await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ErrorResponse("The Host header is not a valid host name"));
                return;
            }

            if (request.ContentLength > limits.MaxContentLength)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, new ErrorResponse(BodyTooLarge(limits.MaxContentLength)));
                return;
            }

            request.Body = BodySizeLimitStream.Wrap(context, limits.MaxContentLength);
            try
            {
                await next(context);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // A body over the limit, arriving too slowly or cut short: the client's fault,
                // so a 4xx naming it, and not an error in the log.
                await JsonErrors.WriteAsync(context, e.StatusCode, new ErrorResponse(e.Message));
            }
        });
        return app;
    }

    internal static string BodyTooLarge(long limit) =>
        $"The request body is larger than MAX_CONTENT_LENGTH ({limit.ToString(CultureInfo.InvariantCulture)} bytes)";

    private static bool IsValidHost(HostString host)
    {
        try
        {
            // What the absolute paging links are built with; it throws on what no URL can hold.
            _ = host.ToUriComponent();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static long HeadersSize(IHeaderDictionary headers)
    {
        long size = 0;
        foreach (var (name, values) in headers)
        {
            // As on the wire: "name: value\r\n" per value.
            foreach (var value in values)
            {
                size += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return size;
    }
}
