using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Tests.Data;

/// <summary>A real SQLite database file in its own temporary folder for the data-layer tests, deleted on dispose.</summary>
internal sealed class TempSqliteDb : IAsyncDisposable
{
    private readonly string _dir;

    private TempSqliteDb(string dir)
    {
        _dir = dir;
        Path = System.IO.Path.Combine(dir, "test.db");
        Db = Db.ForSqlite(Path);
    }

    public string Path { get; }

    public Db Db { get; }

    /// <param name="migrate">Whether to give it Coffer's schema; without it the database starts empty.</param>
    public static async Task<TempSqliteDb> CreateAsync(bool migrate, CancellationToken ct)
    {
        var temp = new TempSqliteDb(Directory.CreateTempSubdirectory("coffer-data-test-").FullName);
        if (migrate) await new Migrator(temp.Db, NullLogger<Migrator>.Instance).MigrateAsync(ct);
        return temp;
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
