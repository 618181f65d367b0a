using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Cli.Config;

/// <summary>The <c>.infisical.json</c> file Infisical's <c>init</c> writes into a repository.</summary>
internal sealed class WorkspaceConfig
{
    public string? WorkspaceId { get; set; }
    public string? DefaultEnvironment { get; set; }
    public Dictionary<string, string>? GitBranchToEnvironmentMapping { get; set; }
    public string? Domain { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(WorkspaceConfig))]
internal sealed partial class WorkspaceJsonContext : JsonSerializerContext;

internal sealed record WorkspaceFile(string Path, WorkspaceConfig Config)
{
    public const string FileName = ".infisical.json";

    /// <summary>Looks for .infisical.json in <paramref name="startDirectory"/> and each parent, nearest first.</summary>
    public static WorkspaceFile? Find(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return Load(candidate);
            }
        }

        return null;
    }

    /// <summary>Reads the file in exactly <paramref name="directory"/> (the <c>--project-config-dir</c> flag).</summary>
    public static WorkspaceFile LoadFromDirectory(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new Api.CliUserException($"There is no {FileName} in {System.IO.Path.GetFullPath(directory)}.", "Check --project-config-dir.");
        }

        return Load(path);
    }

    static WorkspaceFile Load(string path)
    {
        try
        {
            var config = JsonSerializer.Deserialize(File.ReadAllText(path), WorkspaceJsonContext.Default.WorkspaceConfig) ?? new WorkspaceConfig();
            return new WorkspaceFile(path, config);
        }
        catch (JsonException ex)
        {
            throw new Api.CliUserException($"{path} is not valid JSON: {ex.Message}", "Fix the file or remove it.");
        }
    }

    /// <summary>
    /// The environment this file picks: the git-branch mapping for the checked-out branch, else
    /// <c>defaultEnvironment</c> (Infisical's GetEnvFromWorkspaceFile).
    /// </summary>
    public string? Environment()
    {
        var mapping = Config.GitBranchToEnvironmentMapping;
        if (mapping is { Count: > 0 } && GitBranch.Current(System.IO.Path.GetDirectoryName(Path)!) is { } branch
            && mapping.TryGetValue(branch, out var env) && !string.IsNullOrEmpty(env))
        {
            return env;
        }

        return string.IsNullOrWhiteSpace(Config.DefaultEnvironment) ? null : Config.DefaultEnvironment;
    }
}

/// <summary>Reads the checked-out branch from .git/HEAD instead of running git.</summary>
internal static class GitBranch
{
    public static string? Current(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var git = System.IO.Path.Combine(dir.FullName, ".git");
            string? head = null;
            if (Directory.Exists(git))
            {
                head = System.IO.Path.Combine(git, "HEAD");
            }
            else if (File.Exists(git))
            {
                // A worktree or submodule: ".git" is a file saying "gitdir: <path>".
                var line = File.ReadAllText(git).Trim();
                if (line.StartsWith("gitdir:", StringComparison.Ordinal))
                {
                    var gitDir = line["gitdir:".Length..].Trim();
                    head = System.IO.Path.Combine(System.IO.Path.GetFullPath(gitDir, dir.FullName), "HEAD");
                }
            }

            if (head is not null)
            {
                if (!File.Exists(head))
                {
                    return null;
                }

                var content = File.ReadAllText(head).Trim();
                const string prefix = "ref: refs/heads/";
                // Infisical takes the last path segment of the branch name (path.Base).
                return content.StartsWith(prefix, StringComparison.Ordinal) ? content[prefix.Length..].Split('/')[^1] : null;
            }
        }

        return null;
    }
}
