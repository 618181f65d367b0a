using System.Globalization;
using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Microsoft.Data.Sqlite;

namespace Coffer.Server.Hosting;

/// <summary>
/// Online backup and restore of the embedded SQLite database, through SQLite's own backup API. A backup runs beside a
/// serving coffer-server without taking its process lock: it reads one consistent snapshot (in WAL mode readers never
/// block the server's writes, nor it them), writes it to a new 0600 file with its schema version and creation time,
/// checks that copy's integrity and only then gives it its name. A restore needs the server stopped (it takes the
/// lock), refuses a backup that fails its integrity check or comes from a newer schema, and replaces a database only
/// when told to. The root key is never in the database, so never in a backup.
/// </summary>
public static class SqliteBackup
{
    private const string InfoTable = "coffer_backup";

    public sealed record Info(int SchemaVersion, DateTimeOffset CreatedAt);

    public static Info Backup(string databasePath, string backupPath, bool force, TimeProvider time)
    {
        if (!File.Exists(databasePath)) throw new BackupException($"there is no database at {databasePath}");
        var target = Path.GetFullPath(backupPath);
        if (File.Exists(target) && !force) throw new BackupException($"{target} exists; choose another name, or pass --force to replace it");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            PrivateFiles.CreateEmpty(partial);
            var info = new Info(0, time.GetUtcNow());
            using (var source = Open(databasePath, SqliteOpenMode.ReadOnly))
            using (var copy = Open(partial, SqliteOpenMode.ReadWrite))
            {
                info = info with { SchemaVersion = SchemaVersion(source) ?? throw new BackupException($"{databasePath} is not a Coffer database") };
                source.BackupDatabase(copy);
                // One self-contained file, with what a restore checks first.
                Execute(copy, "PRAGMA journal_mode=DELETE");
                Execute(copy, $"CREATE TABLE {InfoTable} (schema_version INTEGER NOT NULL, created_at TEXT NOT NULL, coffer_version TEXT NOT NULL)");
                using var insert = copy.CreateCommand();
                insert.CommandText = $"INSERT INTO {InfoTable} VALUES ($v, $t, $c)";
                insert.Parameters.AddWithValue("$v", info.SchemaVersion);
                insert.Parameters.AddWithValue("$t", info.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
                insert.Parameters.AddWithValue("$c", typeof(SqliteBackup).Assembly.GetName().Version?.ToString() ?? "");
                insert.ExecuteNonQuery();
                RequireIntact(copy, "the copy");
            }
            SqliteConnection.ClearAllPools();
            File.Move(partial, target, overwrite: true);
            PrivateFiles.Tighten(target);
            return info;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(partial);
        }
    }

    /// <summary>Checks <paramref name="backupPath"/> and copies it to <paramref name="databasePath"/>; the caller holds the process lock.</summary>
    public static Info Restore(string backupPath, string databasePath, bool force)
    {
        var source = Path.GetFullPath(backupPath);
        if (!File.Exists(source)) throw new BackupException($"there is no backup at {source}");
        Info info;
        try
        {
            using var backup = Open(source, SqliteOpenMode.ReadOnly);
            RequireIntact(backup, source);
            info = ReadInfo(backup) ?? throw new BackupException($"{source} is not a coffer-server backup (made by `coffer-server backup`)");
            var schema = SchemaVersion(backup) ?? throw new BackupException($"{source} is not a Coffer database");
            if (schema > Migrator.LatestId)
                throw new BackupException(
                    $"{source} was made by a newer coffer-server (schema version {schema}; this one knows up to {Migrator.LatestId}); restore it with that release or a later one");
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"{source} is not a readable SQLite database ({ex.SqliteErrorCode}: {ex.Message.Split('\'')[0].Trim()})");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        if (HoldsData(databasePath) && !force)
            throw new BackupException($"{databasePath} already holds a database; restore into an empty data directory, or pass --force to replace it");
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var partial = databasePath + ".restoring-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            PrivateFiles.CreateEmpty(partial);
            using (var backup = Open(source, SqliteOpenMode.ReadOnly))
            using (var copy = Open(partial, SqliteOpenMode.ReadWrite))
            {
                backup.BackupDatabase(copy);
                Execute(copy, $"DROP TABLE {InfoTable}");
                RequireIntact(copy, "the restored copy");
            }
            SqliteConnection.ClearAllPools();
            // The replaced database's journal files belong to it, not to the restored one.
            foreach (var journal in new[] { databasePath + "-wal", databasePath + "-shm", databasePath + "-journal" }) File.Delete(journal);
            File.Move(partial, databasePath, overwrite: true);
            PrivateFiles.Tighten(databasePath);
            return info;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(partial);
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=5000");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static bool HasTable(SqliteConnection connection, string table) =>
        Convert.ToInt64(Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"), CultureInfo.InvariantCulture) > 0;

    private static int? SchemaVersion(SqliteConnection connection) =>
        HasTable(connection, "coffer_migrations")
            ? Convert.ToInt32(Scalar(connection, "SELECT COALESCE(MAX(id), 0) FROM coffer_migrations"), CultureInfo.InvariantCulture)
            : null;

    private static Info? ReadInfo(SqliteConnection connection)
    {
        if (!HasTable(connection, InfoTable)) return null;
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT schema_version, created_at FROM {InfoTable}";
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Info(reader.GetInt32(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
            : null;
    }

    private static void RequireIntact(SqliteConnection connection, string what)
    {
        var result = Scalar(connection, "PRAGMA integrity_check") as string;
        if (result != "ok") throw new BackupException($"{what} failed SQLite's integrity check: {result}");
    }

    private static bool HoldsData(string databasePath)
    {
        if (!File.Exists(databasePath) || new FileInfo(databasePath).Length == 0) return false;
        try
        {
            using var existing = Open(databasePath, SqliteOpenMode.ReadOnly);
            return Convert.ToInt64(Scalar(existing, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), CultureInfo.InvariantCulture) > 0;
        }
        catch (SqliteException)
        {
            // Not a database at all: replacing it is still a replacement.
            return true;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }
}

/// <summary>A backup or restore that cannot go ahead, with the reason in words for the operator.</summary>
public sealed class BackupException(string message) : Exception(message);
