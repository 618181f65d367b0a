namespace Coffer.Cli.Config;

/// <summary>Where the per-user config lives: <c>$XDG_CONFIG_HOME/coffer</c>, else <c>~/.config/coffer</c>.</summary>
internal static class ConfigPaths
{
    public static string Directory(Func<string, string?> env)
    {
        var xdg = env(EnvNames.XdgConfigHome);
        // The XDG spec says relative values are invalid and must be ignored.
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "coffer");
        }

        var home = env(EnvNames.Home);
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".config", "coffer");
    }

    public static string CredentialsFile(Func<string, string?> env) => Path.Combine(Directory(env), "credentials.json");
}
