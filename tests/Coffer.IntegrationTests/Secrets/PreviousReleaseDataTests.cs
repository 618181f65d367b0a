using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// A data folder written by the release of 2026-12-06 (the last that sealed with hand-written AES-NI code; test keys,
/// Resources/release-2026-12-06): this build reads every secret, comment, metadata and version back unchanged, the
/// client secret logs in (its HMAC key is a wrapped server key) and the token minted then still verifies.
/// </summary>
public sealed class PreviousReleaseDataTests
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Resources", "release-2026-12-06");

    [Theory]
    [InlineData("libsodium")]
    [InlineData("openssl")]
    public async Task A_data_folder_of_the_previous_release_reads_back_unchanged(string provider)
    {
        Assert.SkipWhen(TestDatabase.IsPostgres, "The fixture is an embedded SQLite data folder.");
        var fixture = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(FixtureDir, "fixture.json"), TestContext.Current.CancellationToken))!;
        var projectId = fixture["projectId"]!.GetValue<string>();
        var token = fixture["token"]!.GetValue<string>();
        var dataDir = Directory.CreateTempSubdirectory("coffer-release-").FullName;
        File.Copy(Path.Combine(FixtureDir, "coffer.db"), Path.Combine(dataDir, "coffer.db"));
        try
        {
            await ReadBackAsync(dataDir, provider, fixture, projectId, token);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task ReadBackAsync(string dataDir, string provider, JsonNode fixture, string projectId, string token)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["COFFER_DATA_DIR"] = dataDir, ["CRYPTO_PROVIDER"] = provider });
        var api = new Api(server.Http);

        var current = await api.GetAsync($"/api/v4/secrets/DATABASE_URL?projectId={projectId}&environment=prod", token);
        Expect.Ok(current);
        Assert.Equal("postgres://v2", current.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal("primary — ✓", current.Json["secret"]!["secretComment"]!.GetValue<string>());
        Assert.Equal("platform", current.Json["secret"]!["secretMetadata"]![0]!["value"]!.GetValue<string>());
        var first = await api.GetAsync($"/api/v3/secrets/raw/DATABASE_URL?workspaceId={projectId}&environment=prod&version=1", token);
        Assert.Equal("postgres://v1", first.Json["secret"]!["secretValue"]!.GetValue<string>());
        var empty = await api.GetAsync($"/api/v3/secrets/raw/EMPTY?workspaceId={projectId}&environment=prod", token);
        Assert.Equal("", empty.Json["secret"]!["secretValue"]!.GetValue<string>());

        var login = await api.PostAsync("/api/v1/auth/universal-auth/login",
            new { clientId = fixture["clientId"]!.GetValue<string>(), clientSecret = fixture["clientSecret"]!.GetValue<string>() });
        Expect.Ok(login);
    }
}
