namespace Coffer.Server.Hosting;

/// <summary>
/// One coffer-server process per SQLite database. The server relies on being its only writer (it caches the security
/// epoch between its own commits, and group-commits its writes), so a second process on the same file would serve
/// stale permissions; it is turned away at start instead. The lock is an advisory whole-file lock on a file beside
/// the database (never on the database file itself: closing any descriptor of a file drops the POSIX locks SQLite
/// holds on it), released by the operating system however the process ends.
/// </summary>
public sealed class SqliteProcessLock : IDisposable
{
    private readonly FileStream _file;

    private SqliteProcessLock(FileStream file) => _file = file;

    public static string PathFor(string databasePath) => databasePath + "-coffer.lock";

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static SqliteProcessLock? TryAcquire(string databasePath)
    {
        Data.PrivateFiles.EnsureFolder(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        try
        {
            // FileShare.None is an exclusive, non-blocking flock on Unix and a sharing-mode lock on Windows.
            var file = new FileStream(PathFor(databasePath), Data.PrivateFiles.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            Data.PrivateFiles.Tighten(PathFor(databasePath));
            return new SqliteProcessLock(file);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
