using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// The built <c>coffer-server</c> run as a real process (<c>dotnet coffer-server.dll</c>), as an operator runs it:
/// for several instances on one database, and for start-up behaviour (exit codes, messages).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static string ServerDll =>
        Environment.GetEnvironmentVariable("COFFER_SERVER_DLL")
        ?? Metadata("CofferServerDll");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public HttpClient Http { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// Environment every instance of one "cluster" shares: the same keys (tokens signed on A verify on B) and the
    /// same database. Each process gets its own port and data folder on top.
    /// </summary>
    public static Dictionary<string, string?> SharedEnvironment(string? databaseUri, string dataDir) => new()
    {
        ["HOST"] = "127.0.0.1",
        ["AUTH_SECRET"] = TestServer.AuthSecret,
        ["ROOT_ENCRYPTION_KEY"] = TestServer.RootEncryptionKey,
        ["DB_CONNECTION_URI"] = databaseUri,
        ["COFFER_DATA_DIR"] = dataDir,
        ["RATE_LIMIT_AUTH"] = "0",
    };

    /// <summary>Starts <c>coffer-server</c> (serve) and waits until <c>/api/status</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment)
    {
        // The port is free when chosen, but the kernel may hand it to an outgoing connection before the server binds
        // it; the server then refuses to start with its own message, and another port is tried.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(environment);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private sealed class PortTakenException(string message) : InvalidOperationException(message);

    private static async Task<ServerProcess> StartOnceAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var port = FreePorts.Next();
        var env = new Dictionary<string, string?>(environment) { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var process = Start([], env);
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                var output = server.Output;
                await server.DisposeAsync();
                var message = $"coffer-server exited with {process.ExitCode} during start-up:\n{output}";
                if (output.Contains("another process is using that port", StringComparison.Ordinal)) throw new PortTakenException(message);
                throw new InvalidOperationException(message);
            }

            try
            {
                using var status = await probe.GetAsync("/api/status");
                if (status.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        var log = server.Output;
        await server.DisposeAsync();
        throw new TimeoutException($"coffer-server did not answer /api/status within 60 s:\n{log}");
    }

    /// <summary>Runs <c>coffer-server &lt;args&gt;</c> to completion (e.g. <c>migrate</c>, or a serve that must refuse to start).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, IReadOnlyDictionary<string, string?> environment,
        TimeSpan? timeout = null)
    {
        var env = new Dictionary<string, string?>(environment);
        if (!env.ContainsKey("PORT")) env["PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Start(args, env);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coffer-server {string.Join(' ', args)} did not exit:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static Process Start(string[] args, Dictionary<string, string?> env)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = env.TryGetValue("COFFER_DATA_DIR", out var dir) && dir is not null ? dir : Path.GetTempPath(),
        };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Nothing from the test runner's own environment decides how the server behaves.
        foreach (var name in new[] { "NODE_ENV", "COFFER_ENV", "DB_CONNECTION_URI", "TRUSTED_PROXIES", "REDIS_URL", "ASPNETCORE_URLS" })
            info.Environment.Remove(name);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("RATE_LIMIT_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in env)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>
    /// SIGKILL (what <see cref="Process.Kill(bool)"/> sends on Linux): the process dies mid-instruction, with no shutdown
    /// code, no flush and no finally block. Returns the exit status (128 + 9 = 137 for a SIGKILL on Linux).
    /// </summary>
    public async Task<int> KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a server, and waits for the clean shutdown to finish; returns the exit code.
    /// </summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static string Metadata(string key) =>
        typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
