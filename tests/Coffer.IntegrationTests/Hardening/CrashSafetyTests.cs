using System.Diagnostics;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// Issue 7.4: the built server as a real process, a concurrent write loop through the API, and a SIGKILL at a random
/// moment, at least 30 times over one database (SQLite file kept across restarts, or PostgreSQL). After every restart
/// each write that got a 200 is read back through the API with its value, a batch is all there or not at all, the
/// database passes the engine's integrity check and Coffer's invariants, and the server started without an error.
/// Replay with COFFER_CRASH_SEED=&lt;seed&gt;; COFFER_CRASH_KILLS changes the number of kills.
/// </summary>
// Alone, so the other suites' load neither slows the restarts nor shifts where the kills land.
[Collection(SerialCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SigKillExitCode = 128 + 9;
    private const int Writers = 3;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-crash-").FullName;
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync(_dataDir);

    [Fact]
    public async Task Acknowledged_writes_survive_SIGKILL_at_random_moments_and_the_database_stays_consistent()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COFFER_CRASH_SEED"), out var s) ? s : Random.Shared.Next();
        var kills = int.TryParse(Environment.GetEnvironmentVariable("COFFER_CRASH_KILLS"), out var k) ? k : 30;
        output.WriteLine($"crash safety seed={seed} kills={kills}");
        var rng = new Random(seed);
        var env = ServerProcess.SharedEnvironment(_database.ConnectionUri, _dataDir);
        var clock = Stopwatch.StartNew();

        ServerProcess? server = await StartCleanAsync(env);
        var given = await Given.BootstrapAsync(server.Http);
        var projectId = await given.ProjectAsync("target");
        var ledger = new WriteLedger();
        var workload = new CrashWorkload(ledger, given.OrgId, projectId, given.AdminToken, Writers);
        var killDelays = new List<int>();
        var restarts = new List<long>();
        try
        {
            for (var cycle = 0; cycle < kills; cycle++)
            {
                var loop = workload.RunAsync(new Api(server.Http), seed, cycle);
                // Somewhere in the middle of the write loop: never so early that nothing was written.
                var delay = rng.Next(150, 900);
                killDelays.Add(delay);
                await Task.WhenAny(loop, Task.Delay(delay, TestContext.Current.CancellationToken));
                Assert.False(loop.IsCompleted, $"seed={seed} cycle {cycle}: the write loop stopped before the kill: {loop.Exception}");
                workload.Killing();
                var exitCode = await server.KillAsync();
                Assert.True(exitCode == SigKillExitCode, $"seed={seed} cycle {cycle}: exit code {exitCode}, not SIGKILL's {SigKillExitCode}");
                await loop;
                await server.DisposeAsync();
                server = null;

                var restarting = Stopwatch.StartNew();
                server = await StartCleanAsync(env);
                restarts.Add(restarting.ElapsedMilliseconds);
                await VerifyAsync(workload, server, $"seed={seed} after kill {cycle + 1}");
            }
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
        }

        Assert.True(ledger.InDoubtWrites > 0, "no write was ever cut off by a kill: the kills did not land during writes");
        var summary = $"seed {seed}; kills survived: {kills}; acknowledged writes verified: {ledger.Verified} of {ledger.Acknowledged}; " +
            $"cut off by a kill (may or may not have committed): {ledger.InDoubtWrites}; integrity: ok ({DatabaseIntegrity.EngineCheck} + invariants, " +
            $"after every restart); kill delays {killDelays.Min()}–{killDelays.Max()} ms; " +
            $"restart to first answer {restarts.Average():F0} ms on average; {clock.Elapsed.TotalSeconds:F0} s";
        output.WriteLine(summary);
        TestReport.Write("crash safety", summary);
        Assert.Equal(ledger.Acknowledged, ledger.Verified);
    }

    /// <summary>Starts the server and holds it to a clean start: it answers, and its log has no error.</summary>
    private static async Task<ServerProcess> StartCleanAsync(IReadOnlyDictionary<string, string?> env)
    {
        var server = await ServerProcess.StartAsync(env);
        // The log is captured (so "no error in it" means something), and start-up ran to its end. The line may reach
        // us a moment after the first answer: the output is read asynchronously.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!server.Output.Contains("Application started.", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Contains("Application started.", server.Output, StringComparison.Ordinal);
        AssertNoErrors(server, "start-up");
        return server;
    }

    private async Task VerifyAsync(CrashWorkload workload, ServerProcess server, string where)
    {
        var watch = Stopwatch.StartNew();
        var problems = await workload.VerifyAsync(new Api(server.Http));
        Assert.True(problems.Count == 0, $"{where}: {problems.Count} broken promise(s):\n{string.Join("\n", problems.Take(30))}");
        var read = watch.ElapsedMilliseconds;
        var integrity = await DatabaseIntegrity.CheckAsync(_database);
        output.WriteLine($"{where}: read back in {read} ms, integrity checked in {watch.ElapsedMilliseconds - read} ms");
        Assert.True(integrity.Count == 0, $"{where}: the database is not consistent:\n{string.Join("\n", integrity)}");
        AssertNoErrors(server, where);
    }

    /// <summary>
    /// Nothing above information in the log (the simple console logger starts lines with "warn:", "fail:", "crit:"):
    /// a restart after a crash is not an event the server should have to warn about.
    /// </summary>
    private static void AssertNoErrors(ServerProcess server, string where)
    {
        var errors = server.Output.Split('\n')
            .Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) ||
                        l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal))
            .ToList();
        Assert.True(errors.Count == 0, $"{where}: the server logged errors:\n{string.Join("\n", errors.Take(10))}\n--- log ---\n{server.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
