using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP receiver on loopback, as an OpenTelemetry Collector's: over HTTP it takes protobuf bodies at <c>/v1/traces</c>
/// and <c>/v1/metrics</c>; over gRPC (HTTP/2 without TLS, as a collector's 4317 port) the trace and metrics services'
/// <c>Export</c> calls, answered with an empty message and <c>grpc-status: 0</c>. It keeps what came, by signal. The
/// bodies are not decoded: protobuf carries strings as their UTF-8 bytes, so a span name, a metric name or a leaked value
/// is found by searching the bytes.
/// </summary>
public sealed class TestOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Path, string ContentType, byte[] Body)> _received = [];

    private TestOtlpCollector(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public static async Task<TestOtlpCollector> StartAsync(bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0,
            listen => listen.Protocols = grpc ? Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2 : Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var collector = new TestOtlpCollector(app);
        foreach (var (service, signal) in new[]
        {
            ("opentelemetry.proto.collector.trace.v1.TraceService", "/v1/traces"),
            ("opentelemetry.proto.collector.metrics.v1.MetricsService", "/v1/metrics"),
            ("opentelemetry.proto.collector.logs.v1.LogsService", "/v1/logs"),
        })
            app.MapPost($"/{service}/Export", async (HttpContext http) =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer);
                lock (collector._received) collector._received.Add((signal, http.Request.ContentType ?? "", buffer.ToArray()));
                http.Response.ContentType = "application/grpc";
                // One uncompressed, empty Export…Response message: flag 0, length 0.
                await http.Response.Body.WriteAsync(new byte[5]);
                http.Response.AppendTrailer("grpc-status", "0");
            });
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
            app.MapPost(signal, async (HttpContext http) =>
            {
                using var buffer = new MemoryStream();
                var body = http.Request.Headers.ContentEncoding.ToString() == "gzip"
                    ? new GZipStream(http.Request.Body, CompressionMode.Decompress)
                    : http.Request.Body;
                await body.CopyToAsync(buffer);
                lock (collector._received) collector._received.Add((signal, http.Request.ContentType ?? "", buffer.ToArray()));
                return Results.Bytes([], "application/x-protobuf");
            });
        await app.StartAsync();
        collector.Endpoint = app.Urls.Single();
        return collector;
    }

    /// <summary>Every body received for one signal (<c>/v1/traces</c>…), as text (Latin-1, so every byte maps to one char).</summary>
    public string Text(string signal)
    {
        lock (_received)
            return string.Concat(_received.Where(r => r.Path == signal).Select(r => System.Text.Encoding.Latin1.GetString(r.Body)));
    }

    public IReadOnlyList<string> ContentTypes(string signal)
    {
        lock (_received) return [.. _received.Where(r => r.Path == signal).Select(r => r.ContentType)];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
