using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP/HTTP receiver on loopback, as an OpenTelemetry Collector's <c>otlphttp</c> receiver: it takes protobuf
/// bodies at <c>/v1/traces</c> and <c>/v1/metrics</c>, answers 200 with an empty export response, and keeps what came.
/// The bodies are not decoded: protobuf carries strings as their UTF-8 bytes, so a span name, a metric name or a
/// leaked value is found by searching the bytes.
/// </summary>
public sealed class TestOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Path, string ContentType, byte[] Body)> _received = [];

    private TestOtlpCollector(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public static async Task<TestOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new TestOtlpCollector(app);
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
