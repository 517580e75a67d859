using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WaiverDb.Service.Info;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// OpenTelemetry traces as upstream WaiverDB sends them: over OTLP/HTTP to
/// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> when it is set, named
/// <c>OTEL_EXPORTER_SERVICE_NAME</c> (default <c>waiverdb</c>), with spans of the incoming
/// requests, outgoing HTTP calls (ResultsDB, OIDC) and database commands.
/// </summary>
public static class Tracing
{
    public static WebApplicationBuilder AddTracing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<TracingService>();
        return builder;
    }

    /// <summary>
    /// The settings are read only once the host is built, so the tracer provider is made
    /// then, and only when an endpoint is configured: without one nothing listens to the
    /// activity sources at all.
    /// </summary>
    private sealed class TracingService(WaiverDbSettings settings) : IHostedService, IDisposable
    {
        private TracerProvider? _provider;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (settings.OtlpTracesEndpoint is { } endpoint)
            {
                _provider = Sdk.CreateTracerProviderBuilder()
                    .ConfigureResource(resource => resource.AddService(settings.TracingServiceName, serviceVersion: InfoApi.Version))
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddOtlpExporter(options =>
                    {
                        // Used as given, as upstream's exporter does: the full URL of the traces endpoint.
                        options.Endpoint = endpoint;
                        options.Protocol = OtlpExportProtocol.HttpProtobuf;
                    })
                    .Build();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _provider?.ForceFlush(5000);
            return Task.CompletedTask;
        }

        public void Dispose() => _provider?.Dispose();
    }
}
