using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

public sealed class MetricsServer : ServerFixture
{
    public int MetricsPort { get; } = FreePorts.Next();

    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["METRICS_ENABLED"] = "true",
        ["METRICS_PORT"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// METRICS_ENABLED: Prometheus text at /metrics on the metrics listener only — HTTP server series by route template and
/// Coffer's own (logins by outcome) — and nothing from a request's values: no secret, token or id in any line.
/// </summary>
public sealed class MetricsTests(MetricsServer fx) : IClassFixture<MetricsServer>
{
    [Fact]
    public async Task The_scrape_has_the_expected_series_and_no_secret_token_or_id()
    {
        var project = await fx.Given.TestProjectAsync();
        const string Canary = "metrics-canary-Zq81xw";
        Expect.Ok(await fx.Api.PostAsync("/api/v4/secrets/METRICS_CANARY", new { projectId = project.Id, environment = "dev", secretValue = Canary }, fx.AdminToken));
        Expect.Ok(await fx.Api.GetAsync($"/api/v4/secrets/METRICS_CANARY?projectId={project.Id}&environment=dev", fx.AdminToken));
        var identityId = await fx.Given.IdentityAsync();
        var (clientId, clientSecret) = await fx.Given.UniversalAuthAsync(identityId);
        var token = await fx.Given.LoginAsync(clientId, clientSecret);
        // Not a member of the project: a 403, counted as a permission denial.
        Assert.Equal(403, (await fx.Api.GetAsync($"/api/v4/secrets?projectId={project.Id}&environment=dev", token)).Code);

        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fx.MetricsPort}") };
        // The exporter collects on a scrape; the instruments above were all updated before it.
        var text = await scraper.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Contains("http_server_request_duration_seconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/v4/secrets/{secretName}\"", text, StringComparison.Ordinal);
        Assert.Matches(@"coffer_auth_logins_total\{[^}]*outcome=""Success""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^coffer_permission_denials_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"(?m)^coffer_secrets_read_total(\{[^}]*\})? [1-9]", text);
        Assert.Matches(@"coffer_secrets_written_total\{[^}]*operation=""secret:create""[^}]*\} [1-9]", text);
        Assert.Matches(@"coffer_cache_lookups_total\{[^}]*cache=""access_token""[^}]*result=""(hit|miss)""[^}]*\} [1-9]", text);
        Assert.Matches(@"coffer_cache_lookups_total\{[^}]*cache=""project_permissions""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^coffer_audit_queue_depth(\{[^}]*\})? \d", text);
        if (TestDatabase.IsPostgres)
            Assert.Contains("db_client_connection", text, StringComparison.Ordinal);
        else
        {
            Assert.Matches(@"coffer_sqlite_writer_batch_units_count(\{[^}]*\})? [1-9]", text);
            Assert.Matches(@"coffer_sqlite_writer_wait_milliseconds_count(\{[^}]*\})? [1-9]", text);
        }
        foreach (var leak in new[] { Canary, token, fx.AdminToken, clientSecret, clientId, identityId, project.Id, "METRICS_CANARY" })
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);

        // The API's own port does not serve it.
        Assert.Equal(404, (await fx.Api.GetAsync("/metrics")).Code);
    }
}
