using System.ComponentModel;
using System.Diagnostics;
using Coffer.Cli.Api;

namespace Coffer.Cli.Run;

/// <summary>What <c>run</c> starts: the words after <c>--</c>, or <c>--command</c> given to a shell.</summary>
internal sealed record ChildCommand(string FileName, IReadOnlyList<string> Arguments)
{
    public static ChildCommand FromArguments(IReadOnlyList<string> args) => new(args[0], args.Skip(1).ToArray());

    /// <summary>
    /// Chained commands run in the user's <c>$SHELL</c> with <c>-c</c>, falling back to <c>sh</c>,
    /// as Infisical's CLI does, so <c>&amp;&amp;</c>, pipes and <c>$VAR</c> behave as typed.
    /// </summary>
    public static ChildCommand FromShellCommand(string command, Func<string, string?> env)
    {
        if (OperatingSystem.IsWindows())
        {
            return new("cmd", ["/C", command]);
        }

        var shell = env("SHELL");
        return new(string.IsNullOrWhiteSpace(shell) ? "sh" : shell, ["-c", command]);
    }

    public Process Start(IReadOnlyDictionary<string, string> environment)
    {
        // No redirection: the child shares coffer's terminal, stdin, stdout and stderr.
        var info = new ProcessStartInfo(FileName) { UseShellExecute = false };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        try
        {
            return Process.Start(info) ?? throw new CliUserException($"Could not start '{FileName}'.", exitCode: 127);
        }
        catch (Win32Exception ex)
        {
            // 127 is what a shell returns for a command it cannot find or run.
            throw new CliUserException($"Could not start '{FileName}': {ex.Message}", "Check the command after `--` and your PATH.", 127);
        }
    }
}
