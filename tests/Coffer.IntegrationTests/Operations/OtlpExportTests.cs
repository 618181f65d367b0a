using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// OTEL_EXPORTER_OTLP_ENDPOINT: over gRPC (the default) or HTTP, traces (a span per request, named by its route template, and a span per database
/// unit) and metrics (ASP.NET Core's and Coffer's) are pushed to the collector by OTLP, the last of them when
/// the server stops; no secret value, token or client secret is in anything sent.
/// </summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("coffer-otlp-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData(null)] // gRPC, the default
    public async Task Traces_and_metrics_reach_the_collector_without_any_secret(string? protocol)
    {
        await using var collector = await TestOtlpCollector.StartAsync(grpc: protocol is null);
        var env = ServerProcess.SharedEnvironment(databaseUri: null, _root);
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint;
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
        const string Canary = "otlp-canary-Vq93kd";
        string token;
        await using (var server = await ServerProcess.StartAsync(env))
        {
            var bootstrap = await server.Http.PostAsJsonAsync("/api/v1/admin/bootstrap",
                new { email = "ops@coffer.test", password = "otlp-export-Pa55word", organization = "ops" }, TestContext.Current.CancellationToken);
            bootstrap.EnsureSuccessStatusCode();
            token = (await bootstrap.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["identity"]!["credentials"]!["token"]!.GetValue<string>();
            server.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var project = await server.Http.PostAsJsonAsync("/api/v1/projects", new { projectName = "traced" }, TestContext.Current.CancellationToken);
            project.EnsureSuccessStatusCode();
            var projectId = (await project.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["project"]!["id"]!.GetValue<string>();
            (await server.Http.PostAsJsonAsync("/api/v4/secrets/OTLP_CANARY", new { projectId, environment = "dev", secretValue = Canary },
                TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            var read = await server.Http.GetStringAsync($"/api/v4/secrets/OTLP_CANARY?projectId={projectId}&environment=dev", TestContext.Current.CancellationToken);
            Assert.Contains(Canary, read, StringComparison.Ordinal);

            // A clean stop flushes what the exporters still hold.
            Assert.Equal(0, await server.StopAsync());
        }

        var traces = collector.Text("/v1/traces");
        var metrics = collector.Text("/v1/metrics");
        Assert.All(collector.ContentTypes("/v1/traces"), t => Assert.Equal(protocol is null ? "application/grpc" : "application/x-protobuf", t));
        Assert.Contains("coffer-server", traces, StringComparison.Ordinal);
        Assert.Contains("GET /api/v4/secrets/{secretName}", traces, StringComparison.Ordinal);
        Assert.Contains("db.read", traces, StringComparison.Ordinal);
        Assert.Contains("db.write", traces, StringComparison.Ordinal);
        Assert.Contains("http.server.request.duration", metrics, StringComparison.Ordinal);
        Assert.Contains("coffer.secrets.written", metrics, StringComparison.Ordinal);
        Assert.Contains("coffer.sqlite.writer.batch_units", metrics, StringComparison.Ordinal);
        Assert.Empty(collector.ContentTypes("/v1/logs"));
        // Query strings are left out of request spans: a client may put anything there.
        Assert.DoesNotContain("url.query", traces, StringComparison.Ordinal);
        Assert.Contains("url.path", traces, StringComparison.Ordinal);
        foreach (var leak in new[] { Canary, token })
        {
            Assert.DoesNotContain(leak, traces, StringComparison.Ordinal);
            Assert.DoesNotContain(leak, metrics, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL, such as http://127.0.0.1:4317.")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf, not 'http/json'.")]
    public async Task A_bad_setting_stops_the_start_with_one_line_saying_why(string name, string value, string message)
    {
        var env = ServerProcess.SharedEnvironment(databaseUri: null, _root);
        env[name] = value;
        var (exitCode, stdout, stderr) = await ServerProcess.RunAsync([], env);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, stdout + stderr, StringComparison.Ordinal);
    }
}
