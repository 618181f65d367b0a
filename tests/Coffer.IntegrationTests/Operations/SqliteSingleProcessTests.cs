using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// SQLite serves one process: the server caches the security epoch between its own commits, so a second process
/// writing the same file would go unseen. A second server (or a migrate or key rotation) on a file a running server
/// holds is turned away with one line; once the first has stopped, the file is free again.
/// </summary>
public sealed class SqliteSingleProcessTests
{
    [Fact]
    public async Task A_second_process_on_the_same_sqlite_file_is_turned_away_until_the_first_stops()
    {
        var dataDir = Directory.CreateTempSubdirectory("coffer-single-").FullName;
        try
        {
            var env = ServerProcess.SharedEnvironment(databaseUri: null, dataDir);
            var dbPath = Path.Combine(dataDir, "coffer.db");
            var expected = $"coffer-server: the SQLite database {dbPath} is in use by another coffer-server process. " +
                "SQLite serves one process: stop the other one, or use PostgreSQL (DB_CONNECTION_URI) to run several.";

            await using (var first = await ServerProcess.StartAsync(env))
            {
                foreach (var args in new[] { Array.Empty<string>(), ["migrate"], ["rotate-root-key"] })
                {
                    var second = await ServerProcess.RunAsync(args, env);
                    Assert.True(second.ExitCode == 1, $"{string.Join(' ', args)}: exit {second.ExitCode}: {second.Stdout}\n{second.Stderr}");
                    Assert.Equal(expected, second.Stderr.Trim());
                    Assert.DoesNotContain("Exception", second.Stdout + second.Stderr, StringComparison.Ordinal);
                }
                Assert.Equal(System.Net.HttpStatusCode.OK, (await first.Http.GetAsync("/api/status", TestContext.Current.CancellationToken)).StatusCode);
            }

            var after = await ServerProcess.RunAsync(["migrate"], env);
            Assert.True(after.ExitCode == 0, $"exit {after.ExitCode}: {after.Stdout}\n{after.Stderr}");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
