namespace Coffer.Cli.Tests.Commands;

/// <summary>Which project, environment and token a command uses when several sources give one.</summary>
public sealed class SettingsPrecedenceTests : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("coffer-prec-");

    public void Dispose() => _dir.Delete(recursive: true);

    sealed class Recorder : HttpMessageHandler
    {
        public HttpRequestMessage? Last;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Last = request;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"secrets":[]}""") });
        }
    }

    static async Task<HttpRequestMessage> ExportAsync(InProcessCli cli, params string[] args)
    {
        var recorder = new Recorder();
        cli.Handler = () => recorder;
        var code = await cli.RunAsync(["export", "--domain", "http://h", .. args]);
        Assert.True(code == 0, cli.Error.ToString());
        return recorder.Last!;
    }

    [Fact]
    public async Task Flags_beat_environment_variables_which_beat_the_workspace_file()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, ".infisical.json"), """{"workspaceId":"from-file","defaultEnvironment":"file-env"}""");
        var cli = new InProcessCli { WorkingDirectory = _dir.FullName };
        cli.Env["INFISICAL_TOKEN"] = "env-token";

        var fromFile = await ExportAsync(cli);
        Assert.Contains("workspaceId=from-file&environment=file-env", fromFile.RequestUri!.Query, StringComparison.Ordinal);
        Assert.Equal("Bearer env-token", fromFile.Headers.Authorization!.ToString());

        cli.Env["INFISICAL_PROJECT_ID"] = "from-env";
        cli.Env["INFISICAL_ENVIRONMENT"] = "env-env";
        cli.Env["INFISICAL_SECRET_PATH"] = "/env-path";
        var fromEnv = await ExportAsync(cli);
        Assert.Contains("workspaceId=from-env&environment=env-env&secretPath=%2Fenv-path", fromEnv.RequestUri!.Query, StringComparison.Ordinal);

        var fromFlags = await ExportAsync(cli, "--projectId", "from-flag", "--env", "flag-env", "--path", "flag-path", "--token", "flag-token");
        Assert.Contains("workspaceId=from-flag&environment=flag-env&secretPath=%2Fflag-path", fromFlags.RequestUri!.Query, StringComparison.Ordinal);
        Assert.Equal("Bearer flag-token", fromFlags.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task The_universal_auth_access_token_variable_beats_infisical_token()
    {
        var cli = new InProcessCli { WorkingDirectory = _dir.FullName };
        cli.Env["INFISICAL_TOKEN"] = "plain";
        cli.Env["INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN"] = "ua";

        var request = await ExportAsync(cli, "--projectId", "p");

        Assert.Equal("Bearer ua", request.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Environment_defaults_to_dev_and_path_to_root()
    {
        var cli = new InProcessCli { WorkingDirectory = _dir.FullName };
        cli.Env["INFISICAL_TOKEN"] = "t";

        var request = await ExportAsync(cli, "--projectId", "p");

        Assert.Contains("environment=dev&secretPath=%2F&", request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_project_id_is_explained()
    {
        var cli = new InProcessCli { WorkingDirectory = _dir.FullName };
        cli.Env["INFISICAL_TOKEN"] = "t";

        var code = await cli.RunAsync("export", "--domain", "http://h");

        Assert.Equal(1, code);
        Assert.Contains("error: No project id.", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--projectId", cli.Error.ToString(), StringComparison.Ordinal);
    }
}
