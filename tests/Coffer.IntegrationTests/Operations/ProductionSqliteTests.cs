using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// Issue 29, item 5: production mode on the embedded SQLite database starts and serves, as Vaultwarden does for one
/// instance; only the keys are required. Runs the real <c>coffer-server</c> process, whichever engine the phase uses.
/// </summary>
public sealed class ProductionSqliteTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-prod-sqlite-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Production_mode_serves_on_the_embedded_sqlite_database()
    {
        var env = ServerProcess.SharedEnvironment(databaseUri: null, _dataDir);
        env["NODE_ENV"] = "production";
        await using var server = await ServerProcess.StartAsync(env);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var given = await Given.BootstrapAsync(http);
        Expect.Ok(await given.Api.GetAsync($"/api/v1/identities?orgId={given.OrgId}", given.AdminToken));
        Assert.True(File.Exists(Path.Combine(_dataDir, "coffer.db")) || Directory.EnumerateFiles(_dataDir, "*.db").Any(), "no SQLite file in the data folder");
        Assert.False(File.Exists(Path.Combine(_dataDir, "dev-keys.json")), "production must not generate development keys");
    }
}
