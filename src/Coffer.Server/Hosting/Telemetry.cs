using Coffer.Server.Configuration;
using Coffer.Server.Diagnostics;
using Coffer.Server.Http.RateLimiting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coffer.Server.Hosting;

/// <summary>
/// OpenTelemetry, when asked for. METRICS_ENABLED: ASP.NET Core's HTTP server metrics (labelled by route template,
/// method and status, never by a path's ids), Coffer's own meter and Npgsql's pool metrics, scraped by Prometheus at
/// <c>/metrics</c> on a listener of its own (METRICS_HOST:METRICS_PORT, loopback by default), so the API's port never
/// serves it. OTEL_EXPORTER_OTLP_ENDPOINT: the same metrics, and traces — a span per request and per database unit —
/// pushed by OTLP. Neither set, nothing of OpenTelemetry is registered or loaded.
/// </summary>
public static class Telemetry
{
    private const string ServiceName = "coffer-server";

    public static void Add(WebApplicationBuilder builder, CofferOptions options)
    {
        if (!options.MetricsEnabled && options.OtlpEndpoint is null) return;
        if (options.MetricsEnabled)
            builder.WebHost.UseUrls(
                $"http://{(options.Host == "0.0.0.0" ? "*" : options.Host)}:{options.Port}",
                $"http://{(options.MetricsHost == "0.0.0.0" ? "*" : options.MetricsHost)}:{options.MetricsPort}");

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(ServiceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation().AddMeter(CofferMetrics.MeterName).AddMeter("Npgsql");
            if (options.MetricsEnabled) metrics.AddPrometheusExporter();
            if (options.OtlpEndpoint is not null) metrics.AddOtlpExporter(o => Otlp(o, options, "v1/metrics"));
        });
        if (options.OtlpEndpoint is not null)
            telemetry.WithTracing(traces => traces
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, _) =>
                    // A query string may carry anything a client put there; the route and path say what was asked.
                    activity.SetTag("url.query", null))
                .AddSource(CofferMetrics.MeterName)
                .AddOtlpExporter(o => Otlp(o, options, "v1/traces")));
    }

    public static void Map(WebApplication app, CofferOptions options)
    {
        if (!options.MetricsEnabled) return;
        app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{options.MetricsPort}").WithoutRateLimit();
    }

    /// <summary>
    /// gRPC takes the collector's address as it is; OTLP over HTTP posts each signal to its own path under it, as the
    /// specification says for OTEL_EXPORTER_OTLP_ENDPOINT.
    /// </summary>
    private static void Otlp(OtlpExporterOptions exporter, CofferOptions options, string signalPath)
    {
        exporter.Protocol = options.OtlpHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = options.OtlpHttp ? new Uri($"{options.OtlpEndpoint!.ToString().TrimEnd('/')}/{signalPath}") : options.OtlpEndpoint!;
    }
}
