using System.Text.Json;
using Coffer.Cli.Tests.Formats;
using Coffer.Cli.Tests.Process;

namespace Coffer.Cli.Tests.Server;

/// <summary>
/// The built CLI as a process against a real coffer-server, through the public API only. These
/// need the server's secrets and folders routes; until it has them they are skipped, naming the
/// missing route.
/// </summary>
[Trait("Category", "Server")]
public sealed class CliAgainstCofferServerTests(CofferServerFixture server) : IClassFixture<CofferServerFixture>, IDisposable
{
    readonly CliSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    string[] Project(params string[] extra) => [.. extra, "--domain", server.Url, "--projectId", server.ProjectId, "--env", "dev"];

    async Task<string> LoginAsync()
    {
        var login = await _sandbox.RunAsync(["login", "--method=universal-auth", "--client-id", server.ClientId, "--client-secret", server.ClientSecret, "--silent", "--plain", "--domain", server.Url]);
        Assert.True(login.ExitCode == 0, login.Stderr);
        return login.Stdout.Trim();
    }

    async Task SetAsync(string path, params string[] pairs)
    {
        var set = await _sandbox.RunAsync(["secrets", "set", .. pairs, "--path", path, .. Project()]);
        Assert.True(set.ExitCode == 0, set.Stderr);
    }

    [Fact]
    public async Task Login_prints_only_the_token_and_keeps_it_private()
    {
        server.RequireReady();

        var token = await LoginAsync();

        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_sandbox.CredentialsPath));
    }

    [Fact]
    public async Task Bad_credentials_fail_with_the_servers_message_and_request_id()
    {
        server.RequireReady();

        var run = await _sandbox.RunAsync(["login", "--client-id", server.ClientId, "--client-secret", new string('0', 64), "--domain", server.Url]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: Invalid credentials", run.Stderr, StringComparison.Ordinal);
        Assert.Matches("request id: req-[A-Za-z0-9]{14}", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_set_get_delete_round_trip()
    {
        server.RequireReady();
        await LoginAsync();

        await SetAsync("/", "CRUD_A=first", "CRUD_B=two words");
        var get = await _sandbox.RunAsync(["secrets", "get", "CRUD_A", "CRUD_B", "--plain", .. Project()]);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("first\ntwo words\n", get.Stdout);

        await SetAsync("/", "CRUD_A=second");
        var changed = await _sandbox.RunAsync(["secrets", "get", "CRUD_A", "--plain", .. Project()]);
        Assert.Equal("second\n", changed.Stdout);

        var delete = await _sandbox.RunAsync(["secrets", "delete", "CRUD_A", "CRUD_B", .. Project()]);
        Assert.Equal(0, delete.ExitCode);
        var gone = await _sandbox.RunAsync(["secrets", "get", "CRUD_A", .. Project()]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("*not found*", gone.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_injects_secrets_and_passes_the_exit_code_through()
    {
        server.RequireReady();
        await LoginAsync();
        await SetAsync("/", "RUN_URL=postgres://db/app", "RUN_PEM=@" + WritePem());

        var run = await _sandbox.RunAsync(["run", .. Project("--silent"), "--", "sh", "-c", "printf '%s|%s' \"$RUN_URL\" \"$RUN_PEM\"; exit 9"]);

        Assert.Equal(9, run.ExitCode);
        Assert.Equal("postgres://db/app|-----BEGIN KEY-----\nabc\n-----END KEY-----\n", run.Stdout);
    }

    [Fact]
    public async Task Run_forwards_signals_to_the_child()
    {
        server.RequireReady();
        await LoginAsync();

        using var process = System.Diagnostics.Process.Start(_sandbox.StartInfo(["run", .. Project("--silent"), "--", "sh", "-c", "trap 'exit 43' TERM; echo ready; while true; do sleep 0.1; done"]))!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("ready", await process.StandardOutput.ReadLineAsync(cts.Token));
        Coffer.Cli.Run.Native.Signal(process.Id, Coffer.Cli.Run.Native.SigTerm);
        await process.WaitForExitAsync(cts.Token);

        Assert.Equal(43, process.ExitCode);
    }

    [Theory]
    [InlineData("dotenv")]
    [InlineData("dotenv-export")]
    [InlineData("json")]
    [InlineData("yaml")]
    [InlineData("csv")]
    public async Task Export_every_format_with_references_expanded(string format)
    {
        server.RequireReady();
        await LoginAsync();
        var path = "/export-" + format;
        var folder = await _sandbox.RunAsync(["secrets", "folders", "create", "--name", path[1..], "--path", "/", .. Project()]);
        Assert.True(folder.ExitCode == 0, folder.Stderr);
        await SetAsync(path, "NAME=coffer", "GREETING=hello ${NAME}", "QUOTES=it's \"quoted\" $HOME", "PEM=@" + WritePem());

        var run = await _sandbox.RunAsync(["export", "--format", format, "--path", path, .. Project()]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["GREETING"] = "hello coffer",
                ["NAME"] = "coffer",
                ["PEM"] = "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
                ["QUOTES"] = "it's \"quoted\" $HOME",
            },
            await FormatParsers.ParseAsync(format, run.Stdout));
    }

    [Fact]
    public async Task Folders_create_list_delete()
    {
        server.RequireReady();
        await LoginAsync();

        var create = await _sandbox.RunAsync(["secrets", "folders", "create", "--name", "cli-folder", .. Project()]);
        var list = await _sandbox.RunAsync(["secrets", "folders", "get", "--output", "json", .. Project()]);
        var delete = await _sandbox.RunAsync(["secrets", "folders", "delete", "--name", "cli-folder", .. Project()]);

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var doc = JsonDocument.Parse(list.Stdout);
        Assert.Contains(doc.RootElement.EnumerateArray(), f => f.GetProperty("folderName").GetString() == "cli-folder");
        Assert.True(delete.ExitCode == 0, delete.Stderr);
    }

    [Fact]
    public async Task A_token_from_the_environment_works_without_login()
    {
        server.RequireReady();
        var token = await LoginAsync();
        File.Delete(_sandbox.CredentialsPath);

        var run = await _sandbox.RunAsync(["secrets", .. Project()], new Dictionary<string, string> { ["INFISICAL_TOKEN"] = token });

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("SECRET NAME", run.Stdout, StringComparison.Ordinal);
    }

    string WritePem()
    {
        var file = Path.Combine(_sandbox.WorkDir, "key.pem");
        File.WriteAllText(file, "-----BEGIN KEY-----\nabc\n-----END KEY-----\n");
        return file;
    }
}
