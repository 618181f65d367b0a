using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own (scripts/pg-test-server.sh with a private state file and port), which the
/// test may stop and start without disturbing the server the rest of the suite shares.
/// </summary>
public sealed partial class ThrowAwayPostgres : IAsyncDisposable
{
    private readonly string _stateDir;
    private readonly int _port;

    private readonly string? _password;

    private ThrowAwayPostgres(string stateDir, int port, string adminConnectionString, string? password)
    {
        _password = password;
        _stateDir = stateDir;
        _port = port;
        AdminConnectionString = adminConnectionString;
    }

    public string AdminConnectionString { get; }

    public static bool ServerBinariesInstalled =>
        Directory.Exists("/usr/lib/postgresql")
        && Directory.EnumerateDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "pg_ctl")));

    /// <param name="password">When given, TCP logins need it (scram-sha-256), as on a real server; otherwise trust.</param>
    public static async Task<ThrowAwayPostgres> StartAsync(string? password = null)
    {
        var stateDir = Directory.CreateTempSubdirectory("coffer-pg-own-").FullName;
        // The free port is only free when asked; a server starting elsewhere in the suite can take it first.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Next();
            try
            {
                var output = await ScriptAsync("start", stateDir, port, password);
                var match = ExportLine().Match(output);
                if (!match.Success || output.Contains("COFFER_PG_REUSED", StringComparison.Ordinal))
                    throw new InvalidOperationException($"pg-test-server.sh start did not start a server of its own:\n{output}");
                return new ThrowAwayPostgres(stateDir, port, match.Groups[1].Value, password);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary><c>pg_ctl stop -m fast</c>: connections are closed, new ones refused; the data stays.</summary>
    public Task StopAsync() => ScriptAsync("pause", _stateDir, _port, _password);

    /// <summary><c>pg_ctl start -w</c> on the same data: returns once the server accepts connections.</summary>
    public Task StartAgainAsync() => ScriptAsync("resume", _stateDir, _port, _password);

    /// <summary>SIGSTOP: open connections stay open and new ones are accepted by the kernel, but nothing answers.</summary>
    public Task FreezeAsync() => ScriptAsync("freeze", _stateDir, _port, _password);

    public Task ThawAsync() => ScriptAsync("thaw", _stateDir, _port, _password);

    public int Port => _port;

    private static async Task<string> ScriptAsync(string command, string stateDir, int port, string? password)
    {
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(ServerProcess.RepositoryRoot, "scripts", "pg-test-server.sh"));
        info.ArgumentList.Add(command);
        info.Environment["COFFER_PG_STATE"] = Path.Combine(stateDir, "state");
        info.Environment["COFFER_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (password is not null) info.Environment["COFFER_PG_PASSWORD"] = password;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pg-test-server.sh {command} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    [GeneratedRegex("export COFFER_TEST_POSTGRES='([^']*)'")]
    private static partial Regex ExportLine();

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await ScriptAsync("thaw", _stateDir, _port, _password); // a stopped process would not stop
        await ScriptAsync("stop", _stateDir, _port, _password);
        Directory.Delete(_stateDir, recursive: true);
    }
}
