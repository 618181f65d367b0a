using Coffer.Server.Errors;
using Coffer.Server.Hosting;

namespace Coffer.Tests.Hosting;

/// <summary>Issue 29, items 4–6: what the server refuses to start with, all of it named at once.</summary>
public sealed class DeploymentGuardTests : IDisposable
{
    private const string GoodSecret = "k7Qp2vX9mB4nR8sT1wY6zC3dF5gH0jL2";
    private const string RootKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-guards-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] settings)
    {
        var env = new Dictionary<string, string?> { ["COFFER_DATA_DIR"] = _dataDir };
        foreach (var (key, value) in settings) env[key] = value;
        return env;
    }

    [Theory]
    [InlineData("short-secret", "AUTH_SECRET must be at least 32 bytes in production (it is 12); generate one with `openssl rand -base64 32`.")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "AUTH_SECRET is not random enough for production (only 1 distinct characters); generate one with `openssl rand -base64 32`.")]
    [InlineData("abababababababababababababababababab",
        "AUTH_SECRET is not random enough for production (only 2 distinct characters); generate one with `openssl rand -base64 32`.")]
    public void Production_refuses_a_short_or_low_entropy_auth_secret(string secret, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            SettingsLoader.Load(Env(("NODE_ENV", "production"), ("AUTH_SECRET", secret), ("ROOT_ENCRYPTION_KEY", RootKey))));
        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Every_configuration_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(Env(
            ("NODE_ENV", "production"), ("AUTH_SECRET", "short"), ("PORT", "eighty"), ("RATE_LIMIT_READ", "-5"), ("TRUSTED_PROXIES", "not-an-ip"))));
        Assert.Equal(
            "Coffer cannot start; fix these 5 problems:\n" +
            "  - Coffer is running in production mode and these required environment variables are missing: ROOT_ENCRYPTION_KEY (or ENCRYPTION_KEY).\n" +
            "  - AUTH_SECRET must be at least 32 bytes in production (it is 5); generate one with `openssl rand -base64 32`.\n" +
            "  - PORT must be a whole number between 0 and 65535.\n" +
            "  - TRUSTED_PROXIES has an entry that is not an IP address or CIDR block: 'not-an-ip'.\n" +
            "  - RATE_LIMIT_READ must be a whole number between 0 and 2147483647.", ex.Message);
    }

    [Fact]
    public void Production_runs_on_the_embedded_sqlite_database()
    {
        var options = SettingsLoader.Load(Env(("NODE_ENV", "production"), ("AUTH_SECRET", GoodSecret), ("ROOT_ENCRYPTION_KEY", RootKey)));
        Assert.True(options.IsProduction);
        Assert.Null(options.DatabaseUri);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.0.2.10")]
    [InlineData("::")]
    public void Development_keys_never_listen_beyond_loopback_without_an_opt_in(string host)
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(Env(("HOST", host))));
        Assert.StartsWith($"HOST={host} would expose a server whose keys were generated for development", ex.Message);
        Assert.Contains(SettingsLoader.DevListenAnyVariable + "=true", ex.Message);

        Assert.Equal(host, SettingsLoader.Load(Env(("HOST", host), (SettingsLoader.DevListenAnyVariable, "true"))).Host);
        Assert.Equal(host, SettingsLoader.Load(Env(("HOST", host), ("AUTH_SECRET", GoodSecret), ("ROOT_ENCRYPTION_KEY", RootKey))).Host);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Development_keys_listen_on_loopback(string host) =>
        Assert.Equal(host, SettingsLoader.Load(Env(("HOST", host))).Host);
}
