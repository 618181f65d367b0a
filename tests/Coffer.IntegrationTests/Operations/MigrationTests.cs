using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// Issue 5.2: migrations under a database lock at start-up and by <c>coffer-server migrate</c>, and a schema newer
/// than the binary refusing the start. Runs on SQLite and, in the PostgreSQL phase, on PostgreSQL.
/// </summary>
public sealed class MigrationTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-migrate-").FullName;
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync(_dataDir);

    private Dictionary<string, string?> Environment() => ServerProcess.SharedEnvironment(_database.ConnectionUri, _dataDir);

    private Db OpenDb() => _database.ConnectionUri is null
        ? Db.ForSqlite(_database.SqlitePath)
        : Db.ForPostgres(Coffer.Server.Hosting.PostgresConnection.WithOutageBounds(
            Coffer.Server.Hosting.DatabaseUrl.Parse(_database.ConnectionUri).Value));

    [Fact]
    public async Task Instances_migrating_at_once_apply_each_migration_exactly_once()
    {
        var dbs = Enumerable.Range(0, 4).Select(_ => OpenDb()).ToList();
        try
        {
            var applied = await Task.WhenAll(dbs.Select(db => new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync()));

            // One instance applied everything; the others waited for the lock and found nothing left to do.
            Assert.Equal(Migrator.All.Count, applied.Sum());
            Assert.Equal(Migrator.All.Count, applied.Max());
            var ids = await dbs[0].ReadAsync(conn => conn.QueryAsync<long>("SELECT id FROM coffer_migrations ORDER BY id"), TestContext.Current.CancellationToken);
            Assert.Equal(Migrator.All.Select(m => (long)m.Id).Order(), ids);
        }
        finally
        {
            foreach (var db in dbs) await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrate_applies_the_schema_once_and_reports_the_version()
    {
        var first = await ServerProcess.RunAsync(["migrate"], Environment());
        Assert.True(first.ExitCode == 0, $"exit {first.ExitCode}: {first.Stdout}\n{first.Stderr}");
        Assert.Contains($"Database is at schema version {Migrator.LatestId} ({Migrator.All.Count} migration(s) applied).", first.Stdout, StringComparison.Ordinal);

        var second = await ServerProcess.RunAsync(["migrate"], Environment());
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {second.Stdout}\n{second.Stderr}");
        Assert.Contains($"Database is at schema version {Migrator.LatestId} (0 migration(s) applied).", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_newer_than_the_binary_stops_the_start_with_a_clear_message()
    {
        Assert.Equal(0, (await ServerProcess.RunAsync(["migrate"], Environment())).ExitCode);
        var newer = Migrator.LatestId + 1;
        await _database.ExecuteAsync($"INSERT INTO coffer_migrations (id, name, applied_at) VALUES ({newer}, 'from_the_future', 0)");
        var expected =
            $"coffer-server: The database schema is at version {newer}, newer than this Coffer binary understands (up to {Migrator.LatestId}). " +
            "Run the Coffer release that migrated it (or newer); an older binary must not write to it.";

        foreach (var command in new[] { "serve", "migrate" })
        {
            var (exitCode, stdout, stderr) = await ServerProcess.RunAsync([command], Environment());
            Assert.True(exitCode == 2, $"{command}: exit {exitCode}: {stdout}\n{stderr}");
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }

        // Nothing was applied on top of the newer schema.
        await using var db = OpenDb();
        Assert.Equal(newer, await db.ReadAsync(conn => conn.ExecuteScalarAsync<long>("SELECT MAX(id) FROM coffer_migrations"), TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
