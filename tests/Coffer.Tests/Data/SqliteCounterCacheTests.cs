using Coffer.Server.Data;
using Coffer.Server.Data.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Coffer.Tests.Data;

/// <summary>
/// On SQLite the security epoch and content versions are read again only after the writer committed something
/// (<see cref="SqliteCounterCache"/>): every committed change is seen by the next read, and nothing else is read.
/// </summary>
public sealed class SqliteCounterCacheTests : IAsyncLifetime
{
    private TempSqliteDb _temp = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private Db Db => _temp.Db;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempSqliteDb.CreateAsync(migrate: true, Ct);
        // Content versions belong to a project.
        await Db.WriteAsync(async (conn, tx) =>
        {
            await conn.ExecuteAsync("INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ('o1', 'o', 'o', 0, 0)", transaction: tx);
            await conn.ExecuteAsync(
                "INSERT INTO projects (id, org_id, name, slug, type, created_at, updated_at) VALUES ('p1', 'o1', 'p', 'p', 'secret-manager', 0, 0)",
                transaction: tx);
        }, Ct);
    }

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    [Fact]
    public async Task Every_committed_change_is_seen_by_the_next_read()
    {
        var epoch = await Db.ReadSecurityEpochAsync();
        var version = await Db.ReadContentVersionAsync("p1");
        for (var i = 1; i <= 50; i++)
        {
            await Db.WriteAsync((conn, tx) => SecurityEpoch.BumpAsync(conn, tx), Ct);
            Assert.Equal(epoch + i, await Db.ReadSecurityEpochAsync());
            await Db.WriteAsync((conn, tx) => ProjectContentVersion.BumpAsync(conn, tx, "p1"), Ct);
            Assert.Equal(version + i, await Db.ReadContentVersionAsync("p1"));
            Assert.Equal(0, await Db.ReadContentVersionAsync("p2"));
        }
    }

    [Fact]
    public async Task Without_a_commit_through_the_writer_the_database_is_not_read_again()
    {
        var epoch = await Db.ReadSecurityEpochAsync();
        // A change behind the server's back (SQLite serves one process; this is what a second one would do).
        await using (var other = new SqliteConnection($"Data Source={_temp.Path};Pooling=False"))
        {
            await other.OpenAsync(Ct);
            await other.ExecuteAsync("UPDATE coffer_state SET value = value + 10 WHERE key = 'security_epoch'");
        }
        Assert.Equal(epoch, await Db.ReadSecurityEpochAsync());

        // Any commit of the writer makes the next read go to the database.
        await Db.WriteAsync((conn, tx) => Task.CompletedTask, Ct);
        Assert.Equal(epoch + 10, await Db.ReadSecurityEpochAsync());
    }
}
