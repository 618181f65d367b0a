using Coffer.Server.Errors;
using Coffer.Server.Hosting;

namespace Coffer.Tests.Hosting;

/// <summary>BACKUP_INTERVAL_MINUTES, BACKUP_DIRECTORY, BACKUP_KEEP: off by default, bounded, and refused with PostgreSQL.</summary>
public sealed class BackupSettingTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-backup-settings-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?> { ["COFFER_DATA_DIR"] = _dataDir };
        foreach (var (key, value) in extra) env[key] = value;
        return env;
    }

    [Fact]
    public void Off_by_default_with_a_folder_in_the_data_directory_and_seven_kept()
    {
        var options = SettingsLoader.Load(Env());
        Assert.Equal((0, Path.Combine(_dataDir, "backups"), 7), (options.BackupIntervalMinutes, options.BackupDirectory, options.BackupKeep));
        var set = SettingsLoader.Load(Env(("BACKUP_INTERVAL_MINUTES", "360"), ("BACKUP_DIRECTORY", "/srv/coffer-backups"), ("BACKUP_KEEP", "28")));
        Assert.Equal((360, "/srv/coffer-backups", 28), (set.BackupIntervalMinutes, set.BackupDirectory, set.BackupKeep));
    }

    [Fact]
    public void PostgreSQL_deployments_are_told_to_use_pg_dump()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            SettingsLoader.Load(Env(("BACKUP_INTERVAL_MINUTES", "60"), ("DB_CONNECTION_URI", "postgres://coffer@127.0.0.1/coffer"))));
        Assert.Equal("BACKUP_INTERVAL_MINUTES backs up the embedded SQLite database; with DB_CONNECTION_URI, back PostgreSQL up with pg_dump (docs/operations.md).",
            ex.Message);
    }

    [Fact]
    public void Out_of_range_values_are_refused()
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(Env(("BACKUP_KEEP", "0"))));
        Assert.Contains("BACKUP_KEEP", ex.Message, StringComparison.Ordinal);
    }
}
