using System.Diagnostics;
using System.Reflection;

namespace Coffer.Cli.Tests.Process;

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>
/// Runs the built CLI (<c>dotnet coffer.dll</c>) as a separate process, the way a user runs the
/// installed tool, inside a sandbox with its own HOME and config folder.
/// </summary>
internal sealed class CliSandbox : IDisposable
{
    public CliSandbox()
    {
        Root = Directory.CreateTempSubdirectory("coffer-cli-test-").FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        ConfigHome = Path.Combine(Home, ".config");
        WorkDir = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
    }

    public string Root { get; }
    public string Home { get; }
    public string ConfigHome { get; }
    public string WorkDir { get; }
    public string CredentialsPath => Path.Combine(ConfigHome, "coffer", "credentials.json");

    public static string CliDll =>
        Environment.GetEnvironmentVariable("COFFER_CLI_DLL")
        ?? typeof(CliSandbox).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CofferCliDll").Value!;

    public ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        // Through env --default-signal: a test runner started in the background by a non-interactive shell ignores SIGINT
        // and SIGQUIT, every process it starts inherits that, and a shell cannot trap a signal ignored when it began — so
        // the signal-forwarding tests would hang on how the suite was launched. The CLI starts with the default actions,
        // as it does from a terminal; env execs, so the process's id is the CLI's.
        var info = new ProcessStartInfo(OperatingSystem.IsWindows() ? "dotnet" : "env")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = WorkDir,
        };
        if (!OperatingSystem.IsWindows())
        {
            info.ArgumentList.Add("--default-signal=INT,QUIT");
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test runner's own Infisical settings must not leak into the CLI under test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("INFISICAL_", StringComparison.Ordinal) || k.StartsWith("XDG_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["HOME"] = Home;
        info.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        info.Environment["SHELL"] = "/bin/sh";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public async Task<CliRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(StartInfo(args, env))!;
        process.StandardInput.Close();
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
            throw new TimeoutException($"coffer {string.Join(' ', args)} did not finish in time. stderr so far: {await stderr}");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child still holding a file; the temp folder is cleaned by the OS eventually.
        }
    }
}
