using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>The request and connection limit settings: defaults, and bad values stopping start-up by name.</summary>
public sealed class ServerLimitsSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("waiverdb-limits-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private WaiverDbSettings Load(Action<JsonObject> change)
    {
        var path = Path.Combine(_directory, "settings.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
        };
        change(settings);
        File.WriteAllText(path, settings.ToJsonString());
        return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : null);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var limits = Load(_ => { }).Limits;

        Assert.Equal(2 * 1024 * 1024, limits.MaxContentLength);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersSize);
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(8192, limits.MaxUrlLength);
        Assert.Equal(TimeSpan.FromSeconds(15), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(120), limits.KeepAliveTimeout);
        Assert.Equal(240, limits.MinRequestBodyDataRate);
        Assert.Equal(1000, limits.MaxConcurrentConnections);
        Assert.Equal(2000, limits.Request.MaxFilters);
        Assert.Equal(1000, limits.Request.MaxWaiversPerRequest);
    }

    [Fact]
    public void SettingsAreRead()
    {
        var limits = Load(s =>
        {
            s["MAX_CONTENT_LENGTH"] = 10_000_000;
            s["MAX_REQUEST_HEADERS_SIZE"] = 65536;
            s["MAX_REQUEST_HEADER_COUNT"] = 250;
            s["MAX_URL_LENGTH"] = "16384";
            s["REQUEST_HEADERS_TIMEOUT"] = 5;
            s["KEEP_ALIVE_TIMEOUT"] = "30";
            s["MIN_REQUEST_BODY_DATA_RATE"] = 100;
            s["MAX_CONCURRENT_CONNECTIONS"] = 500;
            s["MAX_FILTERS"] = 1000;
            s["MAX_WAIVERS_PER_REQUEST"] = 5000;
        }).Limits;

        Assert.Equal(10_000_000, limits.MaxContentLength);
        Assert.Equal(65536, limits.MaxRequestHeadersSize);
        Assert.Equal(250, limits.MaxRequestHeaderCount);
        Assert.Equal(16384, limits.MaxUrlLength);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.KeepAliveTimeout);
        Assert.Equal(100, limits.MinRequestBodyDataRate);
        Assert.Equal(500, limits.MaxConcurrentConnections);
        Assert.Equal(1000, limits.Request.MaxFilters);
        Assert.Equal(5000, limits.Request.MaxWaiversPerRequest);
    }

    [Theory]
    [InlineData("MAX_CONTENT_LENGTH", "1000", "MAX_CONTENT_LENGTH: must be between 65536 and 1073741824")]
    [InlineData("MAX_REQUEST_HEADERS_SIZE", "big", "MAX_REQUEST_HEADERS_SIZE: must be a number")]
    [InlineData("MAX_REQUEST_HEADER_COUNT", "9", "MAX_REQUEST_HEADER_COUNT: must be between 10 and 10000")]
    [InlineData("MAX_REQUEST_HEADER_COUNT", "many", "MAX_REQUEST_HEADER_COUNT: must be a number")]
    [InlineData("MAX_URL_LENGTH", "1023", "MAX_URL_LENGTH: must be between 1024 and 1048576")]
    [InlineData("MAX_URL_LENGTH", "2097152", "MAX_URL_LENGTH: must be between 1024 and 1048576")]
    [InlineData("REQUEST_HEADERS_TIMEOUT", "0", "REQUEST_HEADERS_TIMEOUT: must be between 1 and 600")]
    [InlineData("MIN_REQUEST_BODY_DATA_RATE", "-1", "MIN_REQUEST_BODY_DATA_RATE: must be between 1 and 1048576")]
    [InlineData("MAX_CONCURRENT_CONNECTIONS", "2.5", "MAX_CONCURRENT_CONNECTIONS: must be between 10 and 1000000")]
    [InlineData("MAX_FILTERS", "100", "MAX_FILTERS: must be between 200 and 100000")]
    [InlineData("MAX_WAIVERS_PER_REQUEST", "999", "MAX_WAIVERS_PER_REQUEST: must be between 1000 and 100000")]
    public void ABadLimitStopsStartUpNamingTheKey(string key, string value, string problem)
    {
        var message = Assert.Throws<SettingsException>(() => Load(s => s[key] = value)).Message;

        Assert.Contains(problem, message, StringComparison.Ordinal);
    }
}
