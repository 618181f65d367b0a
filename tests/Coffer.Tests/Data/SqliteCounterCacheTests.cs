using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Coffer.Server.Features.Secrets;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Tests.Data;

/// <summary>
/// On SQLite the security epoch and content versions are read again only after the writer committed something
/// (<see cref="SqliteCounterCache"/>): every committed change is seen by the next read, and nothing else is read.
/// </summary>
public sealed class SqliteCounterCacheTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffer-counters-").FullName;
    private Db _db = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string DbPath => Path.Combine(_dir, "counters.db");

    public async ValueTask InitializeAsync()
    {
        _db = Db.ForSqlite(DbPath);
        await new Migrator(_db, NullLogger<Migrator>.Instance).MigrateAsync(Ct);
        // Content versions belong to a project.
        await _db.WriteAsync(async (conn, tx) =>
        {
            await conn.ExecuteAsync("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ('o1', 'o', 'o', 0, 0)", transaction: tx);
            await conn.ExecuteAsync(
                "INSERT INTO projects (id, org_id, name, slug, type, created_at, updated_at) VALUES ('p1', 'o1', 'p', 'p', 'secret-manager', 0, 0)",
                transaction: tx);
        }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Every_committed_change_is_seen_by_the_next_read()
    {
        var epoch = await _db.ReadSecurityEpochAsync();
        var version = await _db.ReadContentVersionAsync("p1");
        for (var i = 1; i <= 50; i++)
        {
            await _db.WriteAsync((conn, tx) => SecurityEpoch.BumpAsync(conn, tx), Ct);
            Assert.Equal(epoch + i, await _db.ReadSecurityEpochAsync());
            await _db.WriteAsync((conn, tx) => ProjectContentVersion.BumpAsync(conn, tx, "p1"), Ct);
            Assert.Equal(version + i, await _db.ReadContentVersionAsync("p1"));
            Assert.Equal(0, await _db.ReadContentVersionAsync("p2"));
        }
    }

    [Fact]
    public async Task Without_a_commit_through_the_writer_the_database_is_not_read_again()
    {
        var epoch = await _db.ReadSecurityEpochAsync();
        // A change behind the server's back (SQLite serves one process; this is what a second one would do).
        await using (var other = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await other.OpenAsync(Ct);
            await other.ExecuteAsync("UPDATE coffer_state SET value = value + 10 WHERE key = 'security_epoch'");
        }
        Assert.Equal(epoch, await _db.ReadSecurityEpochAsync());

        // Any commit of the writer makes the next read go to the database.
        await _db.WriteAsync((conn, tx) => Task.CompletedTask, Ct);
        Assert.Equal(epoch + 10, await _db.ReadSecurityEpochAsync());
    }
}
