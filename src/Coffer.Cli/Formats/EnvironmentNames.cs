namespace Coffer.Cli.Formats;

/// <summary>
/// Which secret names may become environment variables or dotenv keys. The CLI does not trust the server to have
/// refused the rest: a name such as <c>X=1; touch pwned; Y</c> is code once a shell sources a dotenv file, so such
/// names are left out (with a warning that names them) of dotenv, dotenv-export and <c>run</c>'s environment.
/// </summary>
internal static class EnvironmentNames
{
    /// <summary>A POSIX shell identifier: a letter or underscore, then letters, digits and underscores.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    public static string Skipped(string name) =>
        $"secret named [{name}] has been left out because it is not a valid environment variable name";
}
