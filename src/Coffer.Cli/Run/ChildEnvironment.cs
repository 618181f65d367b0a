using System.Collections;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Run;

/// <summary>
/// The child's environment: coffer's own environment with the secrets laid over it. Secrets named
/// like variables a shell or session depends on (HOME, PATH, …, XDG_*, LC_*) are dropped with a
/// warning, exactly the list Infisical's CLI protects (cmd/run.go filterReservedEnvVars).
/// </summary>
internal static class ChildEnvironment
{
    static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "HOME", "PATH", "PS1", "PS2", "PWD", "EDITOR", "XAUTHORITY", "USER", "TERM", "TERMINFO", "SHELL", "MAIL",
    };

    static readonly string[] ReservedPrefixes = ["XDG_", "LC_"];

    public sealed record Result(Dictionary<string, string> Variables, int SecretCount, IReadOnlyList<string> Warnings);

    public static Result Build(IEnumerable<Secret> secrets, IDictionary? current = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in current ?? Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        var warnings = new List<string>();
        var count = 0;
        foreach (var secret in secrets)
        {
            if (!Formats.EnvironmentNames.IsValid(secret.Key))
            {
                warnings.Add(Formats.EnvironmentNames.Skipped(secret.Key));
                continue;
            }

            if (Reserved.Contains(secret.Key))
            {
                warnings.Add($"secret named [{secret.Key}] has been removed because it is a reserved secret name");
                continue;
            }

            if (ReservedPrefixes.Any(p => secret.Key.StartsWith(p, StringComparison.Ordinal)))
            {
                warnings.Add($"secret named [{secret.Key}] has been removed because it contains a reserved prefix");
                continue;
            }

            variables[secret.Key] = secret.Value;
            count++;
        }

        return new Result(variables, count, warnings);
    }
}
