using System.Diagnostics;
using Coffer.IntegrationTests.Infrastructure;
using Npgsql;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// docs/operations.md's PostgreSQL procedure, as written there: <c>pg_dump --format=custom</c> of a serving Coffer
/// database, <c>pg_restore --no-owner</c> into an empty one, and a server started on the restored database with the same
/// root key reads the secrets. PostgreSQL phase only.
/// </summary>
public sealed class PostgresDumpRestoreTests
{
    [Fact]
    public async Task A_dump_restored_into_an_empty_database_serves_the_same_secrets()
    {
        RequiresPostgres.Check();
        var dump = Path.Combine(Path.GetTempPath(), "coffer-" + Guid.NewGuid().ToString("N")[..8] + ".dump");
        var restoredName = "coffer_restored_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            string projectId, token;
            await using (var server = await TestServer.StartAsync())
            {
                var given = await Given.BootstrapAsync(server.CreateClient());
                token = given.AdminToken;
                projectId = (await given.TestProjectAsync()).Id;
                Expect.Ok(await given.Api.PostAsync("/api/v4/secrets/DUMPED", new { projectId, environment = "dev", secretValue = "dumped-value" }, token));
                await RunAsync("pg_dump", "--format=custom", $"--file={dump}", server.Database.ConnectionUri!);
            }

            var admin = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresAdmin);
            await using (var conn = new NpgsqlConnection(admin.ConnectionString))
            {
                await conn.OpenAsync(TestContext.Current.CancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE {restoredName}", conn);
                await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
            var restoredUri =
                $"postgres://{Uri.EscapeDataString(admin.Username ?? "postgres")}:{Uri.EscapeDataString(admin.Password ?? "")}@{admin.Host}:{admin.Port}/{restoredName}?sslmode=disable";
            await RunAsync("pg_restore", "--no-owner", $"--dbname={restoredUri}", dump);

            await using (var restored = await TestServer.StartAsync(new Dictionary<string, string?> { ["DB_CONNECTION_URI"] = restoredUri }))
            {
                var api = new Api(restored.CreateClient());
                var read = await api.GetAsync($"/api/v4/secrets/DUMPED?projectId={projectId}&environment=dev", token);
                Expect.Ok(read);
                Assert.Equal("dumped-value", read.Json["secret"]!["secretValue"]!.GetValue<string>());
                Expect.Ok(await api.GetAsync("/api/ready"));
            }
        }
        finally
        {
            File.Delete(dump);
            await using var conn = new NpgsqlConnection(TestDatabase.PostgresAdmin);
            await conn.OpenAsync(TestContext.Current.CancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {restoredName} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Runs a PostgreSQL client program (from PATH, or the server's own bin folder) and fails the test with its output if it fails.</summary>
    private static async Task RunAsync(string program, params string[] args)
    {
        var path = Directory.GetFiles("/usr/lib/postgresql", program, SearchOption.AllDirectories).OrderDescending(StringComparer.Ordinal).FirstOrDefault() ?? program;
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
