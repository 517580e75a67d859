using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WaiverDb.Contracts;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// The limits of <see cref="ServerLimits"/>: Kestrel's timeouts, and request size checks
/// that answer the API's JSON error naming the setting. Kestrel's own refusals have no
/// body, so its limits are set above ours (twice, for sizes) and only catch what is far
/// over: RFC 6585's guard against headers meant to exhaust memory.
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
            var headersCeiling = limits.MaxRequestHeadersSize * 2;
            options.Limits.MaxRequestHeadersTotalSize = headersCeiling;

            // The shortest header line ("a:" CRLF) is 4 bytes, so with this count the size
            // ceiling always binds before Kestrel counts too many.
            options.Limits.MaxRequestHeaderCount = Math.Max(headersCeiling / 4, limits.MaxRequestHeaderCount * 2);
            options.Limits.MaxRequestLineSize = Math.Max(headersCeiling, limits.MaxUrlLength * 2);
            options.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            options.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            options.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyDataRate, TimeSpan.FromSeconds(5));

            // Kestrel would close connections over the limit without a word; the connection
            // limit answers them with a 503 instead. Upgraded connections are among those it counts.
            options.Limits.MaxConcurrentConnections = null;
            options.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
            var connections = new ConnectionLimit(limits.MaxConcurrentConnections);
            options.ConfigureEndpointDefaults(listen => listen.Use(connections.Apply));
        });
        return builder;
    }

    /// <summary>Refuses long URLs (414), oversized or too many headers (431) and oversized bodies (413) before any handler reads them.</summary>
    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var limits = app.Services.GetRequiredService<WaiverDbSettings>().Limits;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target && target.Length > limits.MaxUrlLength)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status414UriTooLong, new ErrorResponse(
                    $"The request URL is longer than MAX_URL_LENGTH ({limits.MaxUrlLength.ToString(CultureInfo.InvariantCulture)} characters)"));
                return;
            }

            if (HeadersSize(request.Headers) > limits.MaxRequestHeadersSize)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, new ErrorResponse(
                    $"The request headers are larger than MAX_REQUEST_HEADERS_SIZE ({limits.MaxRequestHeadersSize.ToString(CultureInfo.InvariantCulture)} bytes)"));
                return;
            }

            if (HeaderCount(request.Headers) > limits.MaxRequestHeaderCount)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, new ErrorResponse(
                    $"The request has more headers than MAX_REQUEST_HEADER_COUNT ({limits.MaxRequestHeaderCount.ToString(CultureInfo.InvariantCulture)})"));
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
            catch (Exception e) when (context.Request.HasFormContentType && !context.Response.HasStarted
                && (e as InvalidDataException ?? e.InnerException as InvalidDataException) is { } malformed)
            {
                // A form body ASP.NET Core cannot decode (a %00, too many values), wherever it
                // is first read (the anti-forgery check wraps it): the client's fault.
                await JsonErrors.WriteAsync(context, StatusCodes.Status400BadRequest, new ErrorResponse($"The form is not valid: {malformed.Message}"));
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

    // A header given on several lines has a value per line, as Kestrel counts them.
    private static int HeaderCount(IHeaderDictionary headers) => headers.Sum(h => Math.Max(1, h.Value.Count));

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
