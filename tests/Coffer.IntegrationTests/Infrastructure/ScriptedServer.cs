using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away server started by one of the repository's <c>scripts/*-test-server.sh</c> (MariaDB, Redis) on a free
/// loopback port with a private state file; its <c>start</c> prints one <c>export NAME='value'</c> line.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _stateDir;
    private readonly Dictionary<string, string> _environment;

    private ScriptedServer(string script, string stateDir, Dictionary<string, string> environment, int port, string value)
    {
        _script = script;
        _stateDir = stateDir;
        _environment = environment;
        Port = port;
        Value = value;
    }

    public int Port { get; }

    /// <summary>What <c>start</c> exported (a connection string, an address).</summary>
    public string Value { get; }

    /// <param name="script">The script's file name under <c>scripts/</c>.</param>
    /// <param name="prefix">Its variables' prefix (<c>COFFER_MARIADB</c>): <c>_PORT</c>, <c>_STATE</c>, <c>_PASSWORD</c>.</param>
    /// <param name="extra">More variables for the script (Redis's <c>COFFER_REDIS_TLS_DIR</c>).</param>
    public static async Task<ScriptedServer> StartAsync(string script, string prefix, string password, IReadOnlyDictionary<string, string>? extra = null)
    {
        var stateDir = Directory.CreateTempSubdirectory("coffer-scripted-").FullName;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Next();
            var env = new Dictionary<string, string>
            {
                [prefix + "_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [prefix + "_STATE"] = Path.Combine(stateDir, "state"),
                [prefix + "_PASSWORD"] = password,
            };
            foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;
            try
            {
                var output = await RunAsync(script, "start", env);
                var match = Regex.Match(output, "export [A-Z_]+='([^']*)'");
                if (!match.Success) throw new InvalidOperationException($"{script} start printed no export line:\n{output}");
                return new ScriptedServer(script, stateDir, env, port, match.Groups[1].Value);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The free port was taken between asking and starting; try another.
            }
        }
    }

    private static async Task<string> RunAsync(string script, string command, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(ServerProcess.RepositoryRoot, "scripts", script));
        info.ArgumentList.Add(command);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {command} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(_script, "stop", _environment);
        Directory.Delete(_stateDir, recursive: true);
    }
}
