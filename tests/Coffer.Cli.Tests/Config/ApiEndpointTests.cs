using Coffer.Cli.Api;
using Coffer.Cli.Config;

namespace Coffer.Cli.Tests.Config;

public sealed class ApiEndpointTests
{
    [Theory]
    [InlineData("http://localhost:8080", "http://localhost:8080/api/")]
    [InlineData("http://localhost:8080/", "http://localhost:8080/api/")]
    [InlineData("http://localhost:8080/api", "http://localhost:8080/api/")]
    [InlineData("http://localhost:8080/api/", "http://localhost:8080/api/")]
    [InlineData("https://example.com/infisical", "https://example.com/infisical/api/")]
    [InlineData(" https://example.com ", "https://example.com/api/")]
    public void Api_is_appended_like_infisicals_cli(string domain, string expected) =>
        Assert.Equal(expected, ApiEndpoint.Normalize(domain, "test").ToString());

    [Theory]
    [InlineData("example.com")]
    [InlineData("ftp://example.com")]
    [InlineData("not a url")]
    public void Non_http_addresses_are_user_errors(string domain) =>
        Assert.Throws<CliUserException>(() => ApiEndpoint.Normalize(domain, "--domain"));

    [Fact]
    public void Flag_beats_environment_beats_workspace_file_beats_default()
    {
        var ws = new WorkspaceFile("/repo/.infisical.json", new WorkspaceConfig { Domain = "https://from-file" });
        Func<string, string?> env = n => n switch { "INFISICAL_DOMAIN" => "https://from-domain", "INFISICAL_API_URL" => "https://from-api-url", _ => null };
        Func<string, string?> legacyOnly = n => n == "INFISICAL_API_URL" ? "https://from-api-url" : null;

        Assert.Equal("https://from-flag/api/", ApiEndpoint.Resolve("https://from-flag", env, ws).ApiBase.ToString());
        Assert.Equal("https://from-domain/api/", ApiEndpoint.Resolve(null, env, ws).ApiBase.ToString());
        Assert.Equal("https://from-api-url/api/", ApiEndpoint.Resolve(null, legacyOnly, ws).ApiBase.ToString());
        Assert.Equal("https://from-file/api/", ApiEndpoint.Resolve(null, _ => null, ws).ApiBase.ToString());
        Assert.Equal("http://localhost:8080/api/", ApiEndpoint.Resolve(null, _ => null, null).ApiBase.ToString());
    }
}
