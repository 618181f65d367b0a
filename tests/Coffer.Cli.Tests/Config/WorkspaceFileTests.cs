using Coffer.Cli.Api;
using Coffer.Cli.Config;

namespace Coffer.Cli.Tests.Config;

public sealed class WorkspaceFileTests : IDisposable
{
    readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("coffer-ws-");

    public void Dispose() => _root.Delete(recursive: true);

    string Dir(params string[] parts) => Directory.CreateDirectory(Path.Combine([_root.FullName, .. parts])).FullName;

    [Fact]
    public void Found_in_a_parent_folder()
    {
        File.WriteAllText(Path.Combine(Dir("repo"), ".infisical.json"), """{"workspaceId":"p1","defaultEnvironment":"staging"}""");

        var file = WorkspaceFile.Find(Dir("repo", "src", "deep"));

        Assert.NotNull(file);
        Assert.Equal("p1", file.Config.WorkspaceId);
        Assert.Equal("staging", file.Environment());
    }

    [Fact]
    public void The_nearest_file_wins()
    {
        File.WriteAllText(Path.Combine(Dir("repo"), ".infisical.json"), """{"workspaceId":"outer"}""");
        File.WriteAllText(Path.Combine(Dir("repo", "app"), ".infisical.json"), """{"workspaceId":"inner"}""");

        Assert.Equal("inner", WorkspaceFile.Find(Dir("repo", "app", "x"))!.Config.WorkspaceId);
    }

    [Fact]
    public void None_found_is_null()
    {
        Assert.Null(WorkspaceFile.Find(Dir("empty")));
    }

    [Fact]
    public void Git_branch_mapping_picks_the_environment()
    {
        var repo = Dir("repo");
        File.WriteAllText(Path.Combine(repo, ".infisical.json"), """{"workspaceId":"p","defaultEnvironment":"dev","gitBranchToEnvironmentMapping":{"main":"prod"}}""");
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        File.WriteAllText(Path.Combine(repo, ".git", "HEAD"), "ref: refs/heads/main\n");

        Assert.Equal("prod", WorkspaceFile.Find(repo)!.Environment());

        File.WriteAllText(Path.Combine(repo, ".git", "HEAD"), "ref: refs/heads/feature/x\n");
        Assert.Equal("dev", WorkspaceFile.Find(repo)!.Environment());
    }

    [Fact]
    public void Broken_json_is_a_user_error_naming_the_file()
    {
        var path = Path.Combine(Dir("bad"), ".infisical.json");
        File.WriteAllText(path, "{ not json");

        var ex = Assert.Throws<CliUserException>(() => WorkspaceFile.Find(Dir("bad")));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_config_dir_must_hold_the_file()
    {
        Assert.Throws<CliUserException>(() => WorkspaceFile.LoadFromDirectory(Dir("nothing-here")));
    }
}
