using Coffer.Server.Errors;
using Coffer.Server.Hosting;
using Coffer.Server.Http.RateLimiting;

namespace Coffer.Tests.Http;

public class RateLimitingTests
{
    [Theory]
    // Secrets routes use secretsLimit for every method (Infisical's v3 and v4 secret routers).
    [InlineData("/api/v3/secrets/raw", "GET", RateLimitPolicy.Secrets)]
    [InlineData("/api/v3/secrets/raw/{secretName}", "POST", RateLimitPolicy.Secrets)]
    [InlineData("/api/v3/secrets/batch/raw", "PATCH", RateLimitPolicy.Secrets)]
    [InlineData("/api/v4/secrets", "GET", RateLimitPolicy.Secrets)]
    [InlineData("/api/v4/secrets/{secretName}", "DELETE", RateLimitPolicy.Secrets)]
    // Folders and secret imports: changes use secretsLimit, reads readLimit.
    [InlineData("/api/v1/folders", "POST", RateLimitPolicy.Secrets)]
    [InlineData("/api/v1/folders/{folderId}", "PATCH", RateLimitPolicy.Secrets)]
    [InlineData("/api/v1/folders", "GET", RateLimitPolicy.Read)]
    [InlineData("/api/v2/secret-imports", "POST", RateLimitPolicy.Secrets)]
    [InlineData("/api/v1/secret-imports", "GET", RateLimitPolicy.Read)]
    // Everything else by method.
    [InlineData("/api/v1/projects", "GET", RateLimitPolicy.Read)]
    [InlineData("/api/v1/projects", "HEAD", RateLimitPolicy.Read)]
    [InlineData("/api/v1/projects", "POST", RateLimitPolicy.Write)]
    [InlineData("/api/v1/projects/{projectId}", "PATCH", RateLimitPolicy.Write)]
    [InlineData("/api/v1/projects/{projectId}", "DELETE", RateLimitPolicy.Write)]
    // A prefix match is a whole path segment: these are not secrets routes.
    [InlineData("/api/v3/secrets-scanning", "POST", RateLimitPolicy.Write)]
    [InlineData("/api/v1/folders-archive", "POST", RateLimitPolicy.Write)]
    public void Routes_without_a_tag_follow_infisicals_routers(string pattern, string method, RateLimitPolicy expected) =>
        Assert.Equal(expected, RateLimitRoutes.DefaultPolicy(pattern, method));

    [Theory]
    [InlineData(60_000, 60)]
    [InlineData(59_001, 60)]
    [InlineData(59_000, 59)]
    [InlineData(1_001, 2)]
    [InlineData(1, 1)]
    public void Seconds_left_round_up_as_infisical_does(long milliseconds, int seconds) =>
        Assert.Equal(seconds, RateLimitDecision.Refuse(5, milliseconds).SecondsLeft);

    [Fact]
    public void By_default_only_the_auth_policy_is_on_at_60_a_minute()
    {
        var limits = SettingsLoader.Load(Env()).RateLimits;
        Assert.Equal((0, 0, 0, 60), (limits.ReadPerMinute, limits.WritePerMinute, limits.SecretsPerMinute, limits.AuthPerMinute));
    }

    [Fact]
    public void Each_policy_is_set_from_its_variable_and_zero_turns_one_off()
    {
        var limits = SettingsLoader.Load(Env(("RATE_LIMIT_READ", "600"), ("RATE_LIMIT_WRITE", "200"), ("RATE_LIMIT_SECRETS", "60"), ("RATE_LIMIT_AUTH", "0"))).RateLimits;
        Assert.Equal((600, 200, 60, 0), (limits.ReadPerMinute, limits.WritePerMinute, limits.SecretsPerMinute, limits.AuthPerMinute));
    }

    [Theory]
    [InlineData("RATE_LIMIT_AUTH", "-1")]
    [InlineData("RATE_LIMIT_READ", "ten")]
    [InlineData("RATE_LIMIT_SECRETS", "1.5")]
    public void A_limit_that_is_not_a_whole_number_stops_the_start(string name, string value)
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(Env((name, value))));
        Assert.Equal($"{name} must be a whole number between 0 and 2147483647.", ex.Message);
    }

    private static Dictionary<string, string?> Env(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            ["AUTH_SECRET"] = "unit-test-secret",
            ["ROOT_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
            ["COFFER_DATA_DIR"] = Path.GetTempPath(),
        };
        foreach (var (key, value) in extra) env[key] = value;
        return env;
    }
}
