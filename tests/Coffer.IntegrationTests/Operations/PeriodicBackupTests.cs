using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Coffer.IntegrationTests.Operations;

public sealed class PeriodicBackupServer : ServerFixture
{
    public string BackupDirectory { get; } = Path.Combine(Path.GetTempPath(), "coffer-periodic-" + Guid.NewGuid().ToString("N")[..8]);

    // SQLite only: with PostgreSQL the setting is refused at start (pg_dump is the tool there), so that phase skips the test.
    protected override IDictionary<string, string?>? Settings => TestDatabase.IsPostgres ? null : new Dictionary<string, string?>
    {
        ["BACKUP_INTERVAL_MINUTES"] = "60",
        ["BACKUP_DIRECTORY"] = BackupDirectory,
        ["BACKUP_KEEP"] = "2",
    };
}

/// <summary>
/// BACKUP_INTERVAL_MINUTES runs the online backup in the server itself: each one a restorable file named by its time,
/// 0600 in a 0700 folder, and only the newest BACKUP_KEEP kept. (The timer is the framework's PeriodicTimer; the test
/// makes the backups the timer would, rather than wait an interval.)
/// </summary>
public sealed class PeriodicBackupTests(PeriodicBackupServer fx) : IClassFixture<PeriodicBackupServer>, IDisposable
{
    public void Dispose()
    {
        if (Directory.Exists(fx.BackupDirectory)) Directory.Delete(fx.BackupDirectory, recursive: true);
    }

    [Fact]
    public async Task Each_backup_is_restorable_and_only_the_newest_are_kept()
    {
        if (TestDatabase.IsPostgres) Assert.Skip("automatic backups are for the embedded SQLite database");
        var periodic = fx.Server.Services.GetServices<IHostedService>().OfType<PeriodicBackup>().Single();
        await fx.Given.TestProjectAsync();
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            made.Add(periodic.BackupOnce());
            fx.Server.Clock.Advance(TimeSpan.FromMinutes(60));
        }

        Assert.Equal(3, made.Distinct().Count());
        Assert.Equal(made.Skip(1).Order(StringComparer.Ordinal), Directory.GetFiles(fx.BackupDirectory).Order(StringComparer.Ordinal));
        Assert.All(made.Skip(1), f => Assert.Matches(@"coffer-\d{8}T\d{6}Z\.backup$", f));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fx.BackupDirectory));
            foreach (var file in made.Skip(1)) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var restoreDir = Directory.CreateTempSubdirectory("coffer-periodic-restore-").FullName;
        try
        {
            var info = SqliteBackup.Restore(made[^1], Path.Combine(restoreDir, "coffer.db"), force: false);
            Assert.Equal(Coffer.Server.Data.Migrations.Migrator.LatestId, info.SchemaVersion);
        }
        finally
        {
            Directory.Delete(restoreDir, recursive: true);
        }
    }
}
