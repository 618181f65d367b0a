using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// Issue 29, item 7: the data folder is 0700 and every file in it — database, WAL, shared memory, the process lock and
/// the generated development keys — 0600, whether Coffer creates them or finds them looser. Runs the real server on
/// the embedded SQLite database in every phase.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("coffer-modes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_data_folder_is_0700_and_every_file_in_it_0600()
    {
        var dataDir = Path.Combine(_root, "data");
        await ServeAndWriteAsync(dataDir);
        AssertPrivate(dataDir, "coffer.db", "coffer.db-wal", "coffer.db-shm", "coffer.db-coffer.lock", "dev-keys.json");
    }

    [Fact]
    public async Task Looser_modes_left_by_an_earlier_release_are_tightened_at_start()
    {
        var dataDir = Path.Combine(_root, "loose");
        await ServeAndWriteAsync(dataDir);
        const UnixFileMode Loose = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(dataDir, Loose | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var file in Directory.EnumerateFiles(dataDir)) File.SetUnixFileMode(file, Loose);

        await ServeAndWriteAsync(dataDir);
        AssertPrivate(dataDir, "coffer.db", "coffer.db-coffer.lock", "dev-keys.json");
    }

    private static async Task ServeAndWriteAsync(string dataDir)
    {
        // The process runs in its data folder, so the folder exists first, with the umask's usual 0755: Coffer tightens it.
        Directory.CreateDirectory(dataDir);
        // No keys: development generates them into the data folder, which is what must be private.
        var env = new Dictionary<string, string?> { ["HOST"] = "127.0.0.1", ["COFFER_DATA_DIR"] = dataDir, ["RATE_LIMIT_AUTH"] = "0" };
        await using var server = await ServerProcess.StartAsync(env);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var api = new Api(http);
        var boot = await api.PostAsync("/api/v1/admin/bootstrap", new { email = Given.AdminEmail, password = Given.AdminPassword, organization = "Acme" });
        Assert.True(boot.Code is 200 or 400, boot.ToString());
    }

    private static void AssertPrivate(string dataDir, params string[] expected)
    {
        Assert.Equal(PrivateMode(0b111), File.GetUnixFileMode(dataDir));
        var files = Directory.EnumerateFiles(dataDir).Select(Path.GetFileName).ToList();
        foreach (var name in expected) Assert.Contains(name, files);
        foreach (var file in Directory.EnumerateFiles(dataDir))
            Assert.True(File.GetUnixFileMode(file) == PrivateMode(0b110), $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
    }

    private static UnixFileMode PrivateMode(int user) => (UnixFileMode)(user << 6);
}
