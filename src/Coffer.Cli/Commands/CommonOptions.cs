using System.CommandLine;

namespace Coffer.Cli.Commands;

/// <summary>Option definitions shared by several commands, named as in Infisical's CLI.</summary>
internal static class CommonOptions
{
    public static Option<string?> Domain() => new("--domain")
    {
        Description = "Point the CLI to your Coffer server, e.g. https://coffer.example.com (\"/api\" is appended). Also INFISICAL_DOMAIN or INFISICAL_API_URL, or \"domain\" in .infisical.json.",
        Recursive = true,
        HelpName = "url",
    };

    public static Option<bool> Silent() => new("--silent")
    {
        Description = "Disable info and tip messages; useful in scripts and CI.",
        Recursive = true,
    };

    public static Option<string?> Token() => new("--token")
    {
        Description = "Use this machine identity access token (also INFISICAL_TOKEN) instead of the one saved by `coffer login`.",
        HelpName = "token",
    };

    public static Option<string?> ProjectId() => new("--projectId", "--project-id")
    {
        Description = "The project to use (also INFISICAL_PROJECT_ID, or workspaceId in .infisical.json).",
        HelpName = "id",
    };

    public static Option<string?> Env() => new("--env", "-e")
    {
        Description = "The environment slug (dev, staging, prod, …). Default: INFISICAL_ENVIRONMENT, .infisical.json, then dev.",
        HelpName = "slug",
    };

    public static Option<string?> Path() => new("--path")
    {
        Description = "The folder path of the secrets (also INFISICAL_SECRET_PATH). Default: /",
        HelpName = "path",
    };

    public static Option<string[]> Paths() => new("--path")
    {
        Description = "Folder path to fetch; repeat to merge several (also INFISICAL_SECRET_PATH). Default: /",
        HelpName = "path",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Tags() => new("--tags", "-t")
    {
        Description = "Only secrets with one of these tag slugs (comma separated).",
        HelpName = "slugs",
    };

    public static Option<bool> Expand() => new("--expand")
    {
        Description = "Expand secret references such as ${OTHER} on the server.",
        DefaultValueFactory = _ => true,
    };

    public static Option<bool> IncludeImports() => new("--include-imports")
    {
        Description = "Include secrets imported from other folders or environments.",
        DefaultValueFactory = _ => true,
    };

    public static Option<bool> Recursive() => new("--recursive")
    {
        Description = "Also fetch the secrets of all sub-folders.",
    };

    public static Option<bool> SecretOverriding() => new("--secret-overriding")
    {
        Description = "Prefer personal secrets over shared ones with the same name.",
        DefaultValueFactory = _ => true,
    };

    public static Option<string?> Output(string what) => new("--output", "-o")
    {
        Description = $"Print {what} as json, yaml or dotenv instead of a table.",
        HelpName = "format",
    };

    public static Option<string> SecretType(string defaultType) => new("--type")
    {
        Description = $"The type of secret: shared or personal. Default: {defaultType}",
        DefaultValueFactory = _ => defaultType,
        HelpName = "type",
    };
}
