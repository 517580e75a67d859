using WaiverDb.Contracts.Validation;

namespace WaiverDb.Service.Settings;

/// <summary>
/// What one client may ask of the server: request sizes, and the Kestrel limits that keep
/// slow or abusive clients from holding connections Greenwave and Bodhi need.
/// </summary>
public sealed record ServerLimits
{
    /// <summary><c>MAX_CONTENT_LENGTH</c> (Flask's name): the largest request body, in bytes; larger is a 413.</summary>
    public long MaxContentLength { get; init; } = 2 * 1024 * 1024;

    /// <summary><c>MAX_REQUEST_HEADERS_SIZE</c>: all header names and values together, in bytes; larger is a 431.</summary>
    public int MaxRequestHeadersSize { get; init; } = 32 * 1024;

    /// <summary><c>MAX_REQUEST_HEADER_COUNT</c>: header lines a request may have; more is a 431.</summary>
    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary><c>MAX_URL_LENGTH</c>: the longest request target (path and query string), in characters; longer is a 414.</summary>
    public int MaxUrlLength { get; init; } = 8 * 1024;

    /// <summary><c>REQUEST_HEADERS_TIMEOUT</c>: a client must have sent its headers within this time.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>KEEP_ALIVE_TIMEOUT</c>: an idle kept-alive connection is closed after this time.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary><c>MIN_REQUEST_BODY_DATA_RATE</c>: bytes a second a body must arrive at, after a 5-second grace.</summary>
    public double MinRequestBodyDataRate { get; init; } = 240;

    /// <summary><c>MAX_CONCURRENT_CONNECTIONS</c>: connections beyond this are answered 503 and closed.</summary>
    public int MaxConcurrentConnections { get; init; } = 1000;

    /// <summary><c>MAX_FILTERS</c> and <c>MAX_WAIVERS_PER_REQUEST</c>, which the validators check.</summary>
    public RequestLimits Request { get; init; } = RequestLimits.Default;

    internal static ServerLimits Read(SettingsSource source)
    {
        var request = new RequestLimits
        {
            // At least what Greenwave and Bodhi send today.
            MaxFilters = source.Integer("MAX_FILTERS", RequestLimits.DefaultMaxFilters, 200, 100_000),
            MaxWaiversPerRequest = source.Integer("MAX_WAIVERS_PER_REQUEST", RequestLimits.DefaultMaxWaiversPerRequest, 1000, 100_000),
        };
        return new ServerLimits
        {
            MaxContentLength = source.Integer("MAX_CONTENT_LENGTH", 2 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
            MaxRequestHeadersSize = source.Integer("MAX_REQUEST_HEADERS_SIZE", 32 * 1024, 8 * 1024, 1024 * 1024),
            MaxRequestHeaderCount = source.Integer("MAX_REQUEST_HEADER_COUNT", 100, 10, 10_000),
            // Greenwave's GET queries of many subjects must fit; Kestrel's own default was 8 KiB.
            MaxUrlLength = source.Integer("MAX_URL_LENGTH", 8 * 1024, 1024, 1024 * 1024),
            RequestHeadersTimeout = TimeSpan.FromSeconds(source.Number("REQUEST_HEADERS_TIMEOUT", 15, 1, 600)),
            KeepAliveTimeout = TimeSpan.FromSeconds(source.Number("KEEP_ALIVE_TIMEOUT", 120, 1, 3600)),
            MinRequestBodyDataRate = source.Number("MIN_REQUEST_BODY_DATA_RATE", 240, 1, 1024 * 1024),
            MaxConcurrentConnections = source.Integer("MAX_CONCURRENT_CONNECTIONS", 1000, 10, 1_000_000),
            Request = request,
        };
    }
}
