using System.Diagnostics;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Logging.Console;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// Logs for <c>oc logs -f</c>: one JSON object per line on stdout (<c>LOG_FORMAT</c> json,
/// the default) or the console's plain text for development (<c>text</c>), and one line per
/// request with its id, method, path, status, duration and user. Query strings and headers
/// are never logged: they may carry tokens.
/// </summary>
public static partial class StructuredLogging
{
    private const string JsonFormatter = ConsoleFormatterNames.Json;
    private const string TextFormatter = ConsoleFormatterNames.Simple;

    /// <summary>Log lines held while stdout is slow: a few seconds of requests at full load.</summary>
    public const int LogQueueLength = 10_000;

    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var logging = builder.Logging;
        logging.ClearProviders();
        logging.AddConsole();
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            // Log lines are not HTML: keep '+' and non-ASCII user names readable and greppable.
            options.JsonWriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        // ASP.NET Core's own per-request lines repeat ours and print the query string
        // ("Request starting ... ?token=..."); its warnings and errors still come through.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        // The settings are read lazily (test hosts supply WAIVERDB_CONFIG late), so the
        // format is chosen when the logger is first created; invalid settings fall back to
        // JSON here and are reported by start-up as usual.
        builder.Services.AddOptions<ConsoleLoggerOptions>().Configure<IServiceProvider>((options, services) =>
        {
            LogFormat format;
            try
            {
                format = services.GetRequiredService<WaiverDbSettings>().LogFormat;
            }
            catch (SettingsException)
            {
                format = LogFormat.Json;
            }

            options.FormatterName = format == LogFormat.Text ? TextFormatter : JsonFormatter;

            // Lines are written to stdout by a background thread from a bounded queue. When
            // whatever reads stdout stops (a stalled log collector, a full disk under a
            // file), the default is for every request to wait at its log line until the
            // queue has room, which freezes the service. Lines are dropped instead, and the
            // console logger says how many once stdout moves again.
            options.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite;
            options.MaxQueueLength = LogQueueLength;
        });
        return builder;
    }

    /// <summary>One line per request, written when the response is complete (outermost, so after error handling).</summary>
    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WaiverDb.Requests");
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var status = StatusCodes.Status500InternalServerError;
            try
            {
                await next(context);
                status = context.Response.StatusCode;
            }
            finally
            {
                // Path only: the query string may hold tokens. The user is whoever the
                // configured methods authenticated; anonymous requests log "-".
                var user = context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "-";
                LogRequest(logger, context.Request.Method, context.Request.PathBase + context.Request.Path, status,
                    Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1), user, context.TraceIdentifier);
            }
        });
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{Method} {Path} {Status} in {DurationMs} ms by {User} (request {RequestId})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double durationMs, string user, string requestId);
}
