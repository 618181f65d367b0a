using Coffer.Server.Configuration;
using Coffer.Server.Diagnostics;
using Coffer.Server.Http.RateLimiting;
using OpenTelemetry.Metrics;

namespace Coffer.Server.Hosting;

/// <summary>
/// METRICS_ENABLED: OpenTelemetry metrics — ASP.NET Core's HTTP server metrics (labelled by route template, method and
/// status, never by a path's ids) and Coffer's own meter — scraped by Prometheus at <c>/metrics</c> on a listener of its
/// own (METRICS_HOST:METRICS_PORT, loopback by default), so the API's port never serves it. Off, nothing of
/// OpenTelemetry is registered or loaded.
/// </summary>
public static class Metrics
{
    public static void Add(WebApplicationBuilder builder, CofferOptions options)
    {
        if (!options.MetricsEnabled) return;
        builder.WebHost.UseUrls(
            $"http://{(options.Host == "0.0.0.0" ? "*" : options.Host)}:{options.Port}",
            $"http://{(options.MetricsHost == "0.0.0.0" ? "*" : options.MetricsHost)}:{options.MetricsPort}");
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(CofferMetrics.MeterName)
            .AddPrometheusExporter());
    }

    public static void Map(WebApplication app, CofferOptions options)
    {
        if (!options.MetricsEnabled) return;
        app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{options.MetricsPort}").WithoutRateLimit();
    }
}
