using System.Diagnostics;
using System.Text.Json;
using Coffer.Cli.Formats;
using Coffer.Cli.Tests.Formats;

namespace Coffer.Cli.Tests.Process;

/// <summary>
/// The built CLI as a process against <see cref="FakeInfisicalServer"/>: what it sends, prints and
/// returns. The same scenarios run against the real server in <c>Server/</c> once it has the routes.
/// </summary>
public sealed class CliAgainstFakeServerTests : IAsyncLifetime
{
    FakeInfisicalServer _server = null!;
    readonly CliSandbox _sandbox = new();

    public async ValueTask InitializeAsync()
    {
        _server = await FakeInfisicalServer.StartAsync();
        _server.SetSecret("dev", "/", "DATABASE_URL", "postgres://db:5432/app");
        _server.SetSecret("dev", "/", "API_KEY", "it's a \"secret\" $HOME `x` \\n");
        _server.SetSecret("dev", "/", "PEM", "-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n");
        _server.SetSecret("dev", "/", "GREETING", "hello ${API_NAME}");
        _server.SetSecret("dev", "/", "API_NAME", "coffer");
        _server.SetSecret("dev", "/shared", "FROM_IMPORT", "imported");
        _server.SetSecret("dev", "/shared", "API_NAME", "loses-to-local");
        _server.AddImport("dev", "/", "dev", "/shared");
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _sandbox.Dispose();
    }

    string[] Common(params string[] extra) => [.. extra, "--domain", _server.Url, "--projectId", FakeInfisicalServer.ProjectId, "--env", "dev"];

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Dictionary<string, string> WithToken => new() { ["INFISICAL_TOKEN"] = FakeInfisicalServer.StaticToken };

    [Fact]
    public async Task Login_saves_a_private_token_and_silent_plain_prints_only_the_token()
    {
        var run = await _sandbox.RunAsync(["login", "--method=universal-auth", "--client-id", FakeInfisicalServer.ClientId, "--client-secret", FakeInfisicalServer.ClientSecret, "--silent", "--plain", "--domain", _server.Url]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches("^fake-token-[0-9]+\n$", run.Stdout);
        Assert.Equal("", run.Stderr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_sandbox.CredentialsPath));
        Assert.Contains(run.Stdout.Trim(), await File.ReadAllTextAsync(_sandbox.CredentialsPath, Ct), StringComparison.Ordinal);
        var login = _server.Requests.Single(r => r.Path.Contains("universal-auth", StringComparison.Ordinal));
        Assert.Equal("/api/v1/auth/universal-auth/login/", login.Path);

        // The saved token is used by later commands without --token.
        var list = await _sandbox.RunAsync(["secrets", "--plain", .. Common()]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("DATABASE_URL=postgres://db:5432/app", list.Stdout, StringComparison.Ordinal);
        Assert.Equal("Bearer " + run.Stdout.Trim(), _server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task Login_reads_client_credentials_from_the_environment()
    {
        var run = await _sandbox.RunAsync(["login", "--plain", "--domain", _server.Url], new Dictionary<string, string>
        {
            ["INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"] = FakeInfisicalServer.ClientId,
            ["INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"] = FakeInfisicalServer.ClientSecret,
        });

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("fake-token-", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_credentials_show_the_server_message_and_request_id_and_fail()
    {
        var run = await _sandbox.RunAsync(["login", "--client-id", FakeInfisicalServer.ClientId, "--client-secret", "wrong", "--domain", _server.Url]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("error: Invalid credentials", run.Stderr, StringComparison.Ordinal);
        Assert.Matches("request id: req-[0-9a-f]+", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
        Assert.False(File.Exists(_sandbox.CredentialsPath));
    }

    [Fact]
    public async Task Invalid_token_is_reported_with_a_hint()
    {
        var run = await _sandbox.RunAsync(["secrets", .. Common("--token", "nope")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: Invalid token", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("status: 401 TokenError", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("hint:", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_logged_in_says_how_to_log_in()
    {
        var run = await _sandbox.RunAsync(["export", .. Common()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("You are not logged in", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("coffer login", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_injects_secrets_and_returns_the_child_exit_code()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--", "sh", "-c", "printf '%s|%s|%s' \"$DATABASE_URL\" \"$FROM_IMPORT\" \"$API_NAME\"; exit 7"], WithToken);

        Assert.Equal(7, run.ExitCode);
        Assert.Equal("postgres://db:5432/app|imported|coffer", run.Stdout);
        Assert.Contains("Injecting 6 secrets", run.Stderr, StringComparison.Ordinal);

        var list = _server.Requests.Single(r => r.Path == "/api/v3/secrets/raw");
        Assert.Contains("include_imports=true", list.Query, StringComparison.Ordinal);
        Assert.Contains("expandSecretReferences=true", list.Query, StringComparison.Ordinal);
        Assert.Contains($"workspaceId={FakeInfisicalServer.ProjectId}", list.Query, StringComparison.Ordinal);
        Assert.Contains("secretPath=%2F", list.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_keeps_multi_line_and_special_values_intact()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--silent", "--", "sh", "-c", "printf '%s' \"$PEM\"; printf '#'; printf '%s' \"$API_KEY\""], WithToken);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n#it's a \"secret\" $HOME `x` \\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task Run_command_flag_uses_a_shell()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--silent", "--command", "echo first && echo \"$GREETING\" && exit 3"], WithToken);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("first\nhello coffer\n", run.Stdout);
    }

    [Fact]
    public async Task Run_returns_128_plus_the_signal_when_the_child_is_killed()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--silent", "--", "sh", "-c", "kill -KILL $$"], WithToken);

        Assert.Equal(128 + 9, run.ExitCode);
    }

    [Fact]
    public async Task Run_reports_a_missing_program_with_127()
    {
        var run = await _sandbox.RunAsync(["run", .. Common(), "--", "definitely-not-a-program-xyz"], WithToken);

        Assert.Equal(127, run.ExitCode);
        Assert.Contains("Could not start 'definitely-not-a-program-xyz'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_forwards_SIGTERM_to_the_child_and_returns_its_exit_code()
    {
        var script = "trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.1; done";
        using var process = System.Diagnostics.Process.Start(_sandbox.StartInfo(["run", .. Common(), "--silent", "--", "sh", "-c", script], WithToken))!;
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        Assert.Equal("ready", await ReadLineAsync(process, TimeSpan.FromSeconds(30)));

        Assert.True(Coffer.Cli.Run.Native.Signal(process.Id, Coffer.Cli.Run.Native.SigTerm));

        Assert.Equal("got-term", await ReadLineAsync(process, TimeSpan.FromSeconds(10)));
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(42, process.ExitCode);
        Assert.Equal("", await stderr);
    }

    [Fact]
    public async Task Run_forwards_SIGINT_and_SIGHUP()
    {
        var script = "trap 'echo int' INT; trap 'echo hup; exit 5' HUP; echo ready; while true; do sleep 0.1; done";
        using var process = System.Diagnostics.Process.Start(_sandbox.StartInfo(["run", .. Common(), "--silent", "--", "sh", "-c", script], WithToken))!;
        Assert.Equal("ready", await ReadLineAsync(process, TimeSpan.FromSeconds(30)));

        Coffer.Cli.Run.Native.Signal(process.Id, Coffer.Cli.Run.Native.SigInt);
        Assert.Equal("int", await ReadLineAsync(process, TimeSpan.FromSeconds(10)));
        Coffer.Cli.Run.Native.Signal(process.Id, Coffer.Cli.Run.Native.SigHup);
        Assert.Equal("hup", await ReadLineAsync(process, TimeSpan.FromSeconds(10)));

        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(5, process.ExitCode);
    }

    [Fact]
    public async Task Run_watch_restarts_the_child_when_a_secret_changes()
    {
        var script = "echo \"value=$API_NAME\"; trap 'exit 0' TERM; while true; do sleep 0.1; done";
        // Client credentials from the environment: one login must serve every poll.
        var credentials = new Dictionary<string, string>
        {
            ["INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"] = FakeInfisicalServer.ClientId,
            ["INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"] = FakeInfisicalServer.ClientSecret,
        };
        using var process = System.Diagnostics.Process.Start(_sandbox.StartInfo(["run", .. Common(), "--watch", "--watch-interval", "5", "--", "sh", "-c", script], credentials))!;
        try
        {
            Assert.Equal("value=coffer", await ReadLineAsync(process, TimeSpan.FromSeconds(30)));
            _server.SetSecret("dev", "/", "API_NAME", "changed");
            Assert.Equal("value=changed", await ReadLineAsync(process, TimeSpan.FromSeconds(20)));

            // Unchanged polls send the last ETag and do not restart anything.
            var polls = _server.Requests.Where(r => r.Path == "/api/v3/secrets/raw").ToList();
            Assert.True(polls.Count >= 2);
            Assert.NotNull(polls[^1].IfNoneMatch);
            Assert.Single(_server.Requests, r => r.Path.StartsWith("/api/v1/auth/universal-auth/login", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData("dotenv")]
    [InlineData("dotenv-export")]
    [InlineData("json")]
    [InlineData("yaml")]
    [InlineData("csv")]
    public async Task Export_prints_every_format_which_parses_back_to_the_secrets(string format)
    {
        var run = await _sandbox.RunAsync(["export", .. Common("--format", format)], WithToken);

        Assert.Equal(0, run.ExitCode);
        var expected = new Dictionary<string, string>
        {
            ["API_KEY"] = "it's a \"secret\" $HOME `x` \\n",
            ["API_NAME"] = "coffer",
            ["DATABASE_URL"] = "postgres://db:5432/app",
            ["FROM_IMPORT"] = "imported",
            ["GREETING"] = "hello coffer",
            ["PEM"] = "-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n",
        };
        Assert.Equal(expected, await FormatParsers.ParseAsync(format, run.Stdout));
    }

    [Fact]
    public async Task Export_to_a_file_writes_it_private_and_adds_the_extension()
    {
        var run = await _sandbox.RunAsync(["export", .. Common("--format", "json", "--output-file", "out/secrets")], WithToken);

        Assert.Equal(0, run.ExitCode);
        var file = Path.Combine(_sandbox.WorkDir, "out", "secrets.json");
        Assert.Contains($"Successfully exported secrets to: {file}", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file, Ct));
        Assert.Equal(6, doc.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Export_takes_project_and_environment_from_the_workspace_file()
    {
        var nested = Directory.CreateDirectory(Path.Combine(_sandbox.WorkDir, "a", "b")).FullName;
        await File.WriteAllTextAsync(Path.Combine(_sandbox.WorkDir, ".infisical.json"), $$"""{"workspaceId":"{{FakeInfisicalServer.ProjectId}}","defaultEnvironment":"staging"}""", Ct);
        _server.SetSecret("staging", "/", "ONLY_STAGING", "yes");

        var info = _sandbox.StartInfo(["export", "--domain", _server.Url], WithToken);
        info.WorkingDirectory = nested;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("ONLY_STAGING='yes'\n", stdout);
    }

    [Fact]
    public async Task Secrets_set_get_and_delete()
    {
        var set = await _sandbox.RunAsync(["secrets", "set", "NEW_ONE=first", "DATABASE_URL=postgres://changed", "API_NAME=coffer", .. Common()], WithToken);
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("SECRET CREATED", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("SECRET VALUE MODIFIED", set.Stdout, StringComparison.Ordinal);
        Assert.Contains("SECRET VALUE UNCHANGED", set.Stdout, StringComparison.Ordinal);
        Assert.Equal("first", _server.Secrets("dev", "/")["NEW_ONE"]);
        var create = _server.Requests.Single(r => r.Method == "POST" && r.Path == "/api/v3/secrets/raw/NEW_ONE");
        using (var body = JsonDocument.Parse(create.Body))
        {
            Assert.Equal(FakeInfisicalServer.ProjectId, body.RootElement.GetProperty("workspaceId").GetString());
            Assert.Equal("dev", body.RootElement.GetProperty("environment").GetString());
            Assert.Equal("/", body.RootElement.GetProperty("secretPath").GetString());
            Assert.Equal("shared", body.RootElement.GetProperty("type").GetString());
            Assert.Equal("first", body.RootElement.GetProperty("secretValue").GetString());
        }

        Assert.Single(_server.Requests, r => r.Method == "PATCH" && r.Path == "/api/v3/secrets/raw/DATABASE_URL");

        var get = await _sandbox.RunAsync(["secrets", "get", "NEW_ONE", "DATABASE_URL", "--plain", .. Common()], WithToken);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("first\npostgres://changed\n", get.Stdout);

        var delete = await _sandbox.RunAsync(["secrets", "delete", "NEW_ONE", .. Common()], WithToken);
        Assert.Equal(0, delete.ExitCode);
        Assert.Contains("[NEW_ONE] have been deleted", delete.Stderr, StringComparison.Ordinal);
        Assert.False(_server.Secrets("dev", "/").ContainsKey("NEW_ONE"));
        var deleteRequest = _server.Requests.Single(r => r.Method == "DELETE");
        Assert.Contains("\"workspaceId\"", deleteRequest.Body, StringComparison.Ordinal);

        var missing = await _sandbox.RunAsync(["secrets", "get", "NEW_ONE", .. Common()], WithToken);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("*not found*", missing.Stdout, StringComparison.Ordinal);
        Assert.Contains("not found: NEW_ONE", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_set_reads_values_from_files()
    {
        await File.WriteAllTextAsync(Path.Combine(_sandbox.WorkDir, "key.pem"), "line1\nline2\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(_sandbox.WorkDir, "batch.env"), "# comment\nexport A='x y'\nB=\"multi\\nline\"\n", Ct);

        var fromArg = await _sandbox.RunAsync(["secrets", "set", "TLS=@key.pem", "AT=\\@literal", .. Common()], WithToken);
        var fromFile = await _sandbox.RunAsync(["secrets", "set", "--file", "batch.env", .. Common()], WithToken);

        Assert.Equal(0, fromArg.ExitCode);
        Assert.Equal(0, fromFile.ExitCode);
        var secrets = _server.Secrets("dev", "/");
        Assert.Equal("line1\nline2\n", secrets["TLS"]);
        Assert.Equal("@literal", secrets["AT"]);
        Assert.Equal("x y", secrets["A"]);
        Assert.Equal("multi\nline", secrets["B"]);
    }

    [Fact]
    public async Task Secrets_list_outputs_json()
    {
        var run = await _sandbox.RunAsync(["secrets", "--output", "json", .. Common()], WithToken);

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("secretKey").GetString() == "GREETING" && e.GetProperty("secretValue").GetString() == "hello coffer");
    }

    [Fact]
    public async Task Folders_create_list_delete()
    {
        var create = await _sandbox.RunAsync(["secrets", "folders", "create", "--name", "api", "--path", "/", .. Common()], WithToken);
        var list = await _sandbox.RunAsync(["secrets", "folders", "list", "--output", "json", .. Common()], WithToken);
        var delete = await _sandbox.RunAsync(["secrets", "folders", "delete", "--name", "api", .. Common()], WithToken);

        Assert.Equal(0, create.ExitCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(0, delete.ExitCode);
        Assert.Contains("\"folderName\": \"api\"", list.Stdout, StringComparison.Ordinal);
        Assert.Empty(_server.FolderNames("dev", "/"));
        var post = _server.Requests.Single(r => r.Method == "POST" && r.Path == "/api/v1/folders");
        Assert.Contains("\"name\":\"api\"", post.Body, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.Method == "DELETE" && r.Path == "/api/v1/folders/api");
    }

    [Fact]
    public async Task A_stored_token_near_expiry_is_renewed_before_use()
    {
        _server.TokenTtlSeconds = 60;
        var login = await _sandbox.RunAsync(["login", "--client-id", FakeInfisicalServer.ClientId, "--client-secret", FakeInfisicalServer.ClientSecret, "--plain", "--domain", _server.Url]);
        Assert.Equal(0, login.ExitCode);

        // Age the saved token: issued 50 s ago, 10 s left of its 60 s life.
        var json = await File.ReadAllTextAsync(_sandbox.CredentialsPath, Ct);
        var now = DateTimeOffset.UtcNow;
        json = System.Text.RegularExpressions.Regex.Replace(json, "\"issuedAt\": \"[^\"]+\"", $"\"issuedAt\": \"{now.AddSeconds(-50):O}\"");
        json = System.Text.RegularExpressions.Regex.Replace(json, "\"expiresAt\": \"[^\"]+\"", $"\"expiresAt\": \"{now.AddSeconds(10):O}\"");
        await File.WriteAllTextAsync(_sandbox.CredentialsPath, json, Ct);

        var run = await _sandbox.RunAsync(["secrets", "--plain", .. Common()]);

        Assert.Equal(0, run.ExitCode);
        var renew = _server.Requests.Single(r => r.Path == "/api/v1/auth/token/renew");
        Assert.Contains(login.Stdout.Trim(), renew.Body, StringComparison.Ordinal);
        var saved = await File.ReadAllTextAsync(_sandbox.CredentialsPath, Ct);
        Assert.DoesNotContain(login.Stdout.Trim() + "\"", saved, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_sandbox.CredentialsPath));
    }

    static async Task<string?> ReadLineAsync(System.Diagnostics.Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await process.StandardOutput.ReadLineAsync(cts.Token);
    }
}
