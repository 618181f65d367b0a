using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// A provider's <c>ca</c> input: the connection is TLS and the server's certificate must chain to that CA — a Redis
/// that speaks only TLS, with a certificate from a CA made for the test. The same CA works; another CA is refused.
/// </summary>
public sealed class ProviderTlsTests(DynamicSecretServer fx) : IClassFixture<DynamicSecretServer>, IAsyncLifetime
{
    private readonly string _certDir = Directory.CreateTempSubdirectory("coffer-tls-").FullName;
    private ScriptedServer? _redis;
    private string _caPem = "";

    public async ValueTask InitializeAsync()
    {
        _caPem = TestCertificates.WriteServerFiles(_certDir);
        _redis = await ScriptedServer.StartAsync("redis-test-server.sh", "COFFER_REDIS", TargetPostgres.RootPassword,
            new Dictionary<string, string> { ["COFFER_REDIS_TLS_DIR"] = _certDir });
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        Directory.Delete(_certDir, recursive: true);
    }

    [Fact]
    public async Task A_lease_over_TLS_works_with_the_servers_CA_and_is_refused_with_another()
    {
        var project = await fx.Given.TestProjectAsync();
        object Create(string name, string ca) => new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            name,
            defaultTTL = "1h",
            provider = new { type = "redis", inputs = new { host = "127.0.0.1", port = _redis!.Port, username = "default", password = TargetPostgres.RootPassword, ca } },
        };

        Expect.Ok(await fx.Api.PostAsync("/api/v1/dynamic-secrets", Create("tls", _caPem), fx.AdminToken));
        Expect.Ok(await fx.Api.PostAsync("/api/v1/dynamic-secrets/leases",
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "tls" }, fx.AdminToken));

        var otherCa = TestCertificates.WriteServerFiles(Directory.CreateTempSubdirectory("coffer-tls-other-").FullName);
        var refused = await fx.Api.PostAsync("/api/v1/dynamic-secrets", Create("other-ca", otherCa), fx.AdminToken);
        Assert.Equal(400, refused.Code);
        Assert.StartsWith("Failed to connect with provider: ", refused.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
