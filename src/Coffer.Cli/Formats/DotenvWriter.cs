using System.Text;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Formats;

/// <summary>
/// <c>KEY='value'</c> lines (with <c>export </c> in front for dotenv-export), as Infisical writes
/// them. Single quotes keep <c>$</c>, backslashes, backticks and line breaks literal when a shell
/// sources the file; a single quote inside a value is written as <c>'\''</c> (close, escaped quote,
/// reopen), which Infisical does not do and which otherwise breaks the file.
/// </summary>
internal static class DotenvWriter
{
    public static string Write(IEnumerable<Secret> secrets, bool export, Action<string>? warn = null)
    {
        var sb = new StringBuilder();
        foreach (var secret in secrets)
        {
            // The key is written bare, so only a name that cannot be read as shell code gets in.
            if (!EnvironmentNames.IsValid(secret.Key))
            {
                warn?.Invoke(EnvironmentNames.Skipped(secret.Key));
                continue;
            }

            if (export)
            {
                sb.Append("export ");
            }

            sb.Append(secret.Key).Append('=').Append(Quote(secret.ValueForTextFormats)).Append('\n');
        }

        return sb.ToString();
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
