using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// <c>coffer-server backup</c> copies the SQLite database of a running server while writes go on, into a 0600 file that
/// passes SQLite's integrity check; <c>restore</c> puts it in place of an empty data directory and a server started
/// on it with the same root key reads every secret; a restore refuses a database in place (without --force), a
/// running server, a file that is not a backup, a damaged one, and one from a newer schema.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("coffer-backup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Dictionary<string, string?> Env(string dataDir) =>
        ServerProcess.SharedEnvironment(databaseUri: null, Directory.CreateDirectory(Path.Combine(_root, dataDir)).FullName);

    private static async Task<(string Token, string ProjectId)> SeedAsync(ServerProcess server)
    {
        var bootstrap = await server.Http.PostAsJsonAsync("/api/v1/admin/bootstrap",
            new { email = "ops@coffer.test", password = "backup-Pa55word", organization = "ops" });
        bootstrap.EnsureSuccessStatusCode();
        var body = (await bootstrap.Content.ReadFromJsonAsync<JsonObject>())!;
        var token = body["identity"]!["credentials"]!["token"]!.GetValue<string>();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/projects") { Content = JsonContent.Create(new { projectName = "backed-up" }) };
        create.Headers.Authorization = new("Bearer", token);
        var project = await server.Http.SendAsync(create);
        project.EnsureSuccessStatusCode();
        return (token, (await project.Content.ReadFromJsonAsync<JsonObject>())!["project"]!["id"]!.GetValue<string>());
    }

    private static async Task<HttpResponseMessage> SendAsync(ServerProcess server, HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return await server.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_backup_taken_while_the_server_writes_restores_into_a_server_that_reads_every_secret()
    {
        var backup = Path.Combine(_root, "out", "coffer.backup");
        string token, projectId;
        await using (var server = await ServerProcess.StartAsync(Env("live")))
        {
            (token, projectId) = await SeedAsync(server);
            for (var i = 0; i < 20; i++)
                (await SendAsync(server, HttpMethod.Post, $"/api/v4/secrets/KEY_{i}", token, new { projectId, environment = "dev", secretValue = $"value-{i}" }))
                    .EnsureSuccessStatusCode();

            // Writes keep landing while the backup reads its snapshot.
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                var n = 0;
                while (!stop.IsCancellationRequested)
                    (await SendAsync(server, HttpMethod.Post, $"/api/v4/secrets/DURING_{n++}", token, new { projectId, environment = "dev", secretValue = "x" }))
                        .EnsureSuccessStatusCode();
                return n;
            });
            var made = await ServerProcess.RunAsync(["backup", backup], Env("live"));
            stop.Cancel();
            Assert.True(await writer > 0);
            Assert.True(made.ExitCode == 0, $"exit {made.ExitCode}: {made.Stdout}\n{made.Stderr}");
            Assert.Contains("It does not contain ROOT_ENCRYPTION_KEY and cannot be read without it", made.Stdout, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(backup)!, "*.partial-*"));
        await DatabaseBytes.AssertAbsentInFileAsync(backup, "value-7");

        var restored = await ServerProcess.RunAsync(["restore", backup], Env("restored"));
        Assert.True(restored.ExitCode == 0, $"exit {restored.ExitCode}: {restored.Stdout}\n{restored.Stderr}");
        await using (var server = await ServerProcess.StartAsync(Env("restored")))
        {
            for (var i = 0; i < 20; i++)
            {
                var read = await SendAsync(server, HttpMethod.Get, $"/api/v4/secrets/KEY_{i}?projectId={projectId}&environment=dev", token);
                read.EnsureSuccessStatusCode();
                Assert.Equal($"value-{i}", (await read.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["secret"]!["secretValue"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task A_restore_refuses_what_it_must_not_restore()
    {
        var backup = Path.Combine(_root, "coffer.backup");
        await using (var server = await ServerProcess.StartAsync(Env("source")))
        {
            await SeedAsync(server);
            Assert.Equal(0, (await ServerProcess.RunAsync(["backup", backup], Env("source"))).ExitCode);
            // A second backup to the same name is refused, and replaces it with --force.
            var again = await ServerProcess.RunAsync(["backup", backup], Env("source"));
            Assert.Equal((1, $"coffer-server: backup refused: {backup} exists; choose another name, or pass --force to replace it"),
                (again.ExitCode, again.Stderr.Trim()));
            Assert.Equal(0, (await ServerProcess.RunAsync(["backup", backup, "--force"], Env("source"))).ExitCode);

            // Not while a server runs on the target.
            var busy = await ServerProcess.RunAsync(["restore", backup], Env("source"));
            Assert.Equal(1, busy.ExitCode);
            Assert.StartsWith($"coffer-server: the SQLite database {Path.Combine(_root, "source", "coffer.db")} is in use by another coffer-server process.",
                busy.Stderr.Trim(), StringComparison.Ordinal);
        }

        var target = Path.Combine(_root, "source", "coffer.db");
        var occupied = await ServerProcess.RunAsync(["restore", backup], Env("source"));
        Assert.Equal((1, $"coffer-server: restore refused: {target} already holds a database; restore into an empty data directory, or pass --force to replace it"),
            (occupied.ExitCode, occupied.Stderr.Trim()));
        Assert.Equal(0, (await ServerProcess.RunAsync(["restore", backup, "--force"], Env("source"))).ExitCode);

        // A database that is not a backup, a damaged file, and a backup from a newer schema.
        var notBackup = await ServerProcess.RunAsync(["restore", target], Env("elsewhere"));
        Assert.Equal((1, $"coffer-server: restore refused: {target} is not a coffer-server backup (made by `coffer-server backup`)"),
            (notBackup.ExitCode, notBackup.Stderr.Trim()));
        var damaged = Path.Combine(_root, "damaged.backup");
        var bytes = await File.ReadAllBytesAsync(backup, TestContext.Current.CancellationToken);
        Array.Fill(bytes, (byte)0xA5, bytes.Length / 2, bytes.Length / 4);
        await File.WriteAllBytesAsync(damaged, bytes, TestContext.Current.CancellationToken);
        var broken = await ServerProcess.RunAsync(["restore", damaged], Env("elsewhere"));
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith("coffer-server: restore refused: ", broken.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", broken.Stdout + broken.Stderr, StringComparison.Ordinal);
        var newer = Path.Combine(_root, "newer.backup");
        File.Copy(backup, newer);
        using (var connection = new SqliteConnection($"Data Source={newer};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO coffer_migrations (id, name, applied_at) VALUES (9999, 'from-the-future', 0)";
            command.ExecuteNonQuery();
        }
        var future = await ServerProcess.RunAsync(["restore", newer], Env("elsewhere"));
        Assert.Equal(1, future.ExitCode);
        Assert.StartsWith($"coffer-server: restore refused: {newer} was made by a newer coffer-server (schema version 9999; this one knows up to ",
            future.Stderr.Trim(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "elsewhere", "coffer.db")));
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("restore")]
    public async Task Usage_mistakes_and_a_PostgreSQL_server_are_refused_with_one_line_and_exit_2(string command)
    {
        foreach (string[] args in new[] { new[] { command }, [command, "--force"], [command, "a.backup", "b.backup"], [command, "--other"] })
        {
            var wrong = await ServerProcess.RunAsync(args, Env("usage"));
            Assert.Equal(2, wrong.ExitCode);
            Assert.Equal($"coffer-server: usage: coffer-server {command} <file> [--force]", wrong.Stderr.Trim());
        }

        var env = Env("usage");
        env["DB_CONNECTION_URI"] = "postgres://coffer:secret@127.0.0.1:9/coffer";
        var postgres = await ServerProcess.RunAsync([command, Path.Combine(_root, "pg.backup")], env);
        Assert.Equal(2, postgres.ExitCode);
        Assert.Equal($"coffer-server: {command} is for the embedded SQLite database; this server uses PostgreSQL (DB_CONNECTION_URI): " +
            "use pg_dump and pg_restore (docs/operations.md).", postgres.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_root, "pg.backup")));
        Assert.False(File.Exists(Path.Combine(_root, "usage", "coffer.db")));
    }
}
