using System.Globalization;
using Coffer.Server.Configuration;

namespace Coffer.Server.Hosting;

/// <summary>
/// BACKUP_INTERVAL_MINUTES: a backup of the SQLite database every interval, through the same online copy as
/// <c>coffer-server backup</c> (a snapshot read beside the serving connections), named by its time in UTC, keeping the
/// newest BACKUP_KEEP. A failed backup is logged and tried again at the next interval; it never stops the server.
/// </summary>
public sealed partial class PeriodicBackup(CofferOptions options, TimeProvider time, ILogger<PeriodicBackup> log) : BackgroundService
{
    private const string Prefix = "coffer-";
    private const string Suffix = ".backup";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.BackupIntervalMinutes), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var file = await Task.Run(BackupOnce, stoppingToken);
                LogMade(file);
            }
            catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                LogFailed(ex.Message);
            }
        }
    }

    /// <summary>Makes one backup and removes those beyond the number kept; the new file's path.</summary>
    public string BackupOnce()
    {
        Data.PrivateFiles.EnsureFolder(options.BackupDirectory);
        var name = Prefix + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + Suffix;
        var path = Path.Combine(options.BackupDirectory, name);
        SqliteBackup.Backup(options.SqlitePath, path, force: true, time);
        // The names sort by time: everything after the newest BACKUP_KEEP goes.
        foreach (var old in Directory.GetFiles(options.BackupDirectory, Prefix + "*" + Suffix).OrderDescending(StringComparer.Ordinal).Skip(options.BackupKeep))
            File.Delete(old);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backed up the database to {File}")]
    private partial void LogMade(string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The periodic backup failed and is tried again at the next interval: {Reason}")]
    private partial void LogFailed(string reason);
}
