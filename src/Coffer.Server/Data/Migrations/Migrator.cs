using System.Data.Common;
using Coffer.Server.Hosting;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Applies pending migrations under a database-wide lock, so several instances starting together take turns, and
/// refuses to run against a schema newer than this binary knows.
/// </summary>
public sealed partial class Migrator(Db db, ILogger<Migrator> logger)
{
    // Arbitrary but fixed: every Coffer instance must ask PostgreSQL for the same advisory lock.
    private const long PostgresLockKey = 0x436f66666572; // "Coffer"

    // Request statements are bounded to a few seconds (see PostgresConnection); schema changes on a large table,
    // and waiting for another instance's migration to finish, may take far longer.
    private const int CommandTimeoutSeconds = 600;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new M001Foundation(),
        new M002Projects(),
        new M003Secrets(),
        new M004RateLimits(),
        new M005UserSessions(),
    ];

    public static int LatestId => All[^1].Id;

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        if (db.Engine == DbEngine.Sqlite)
        {
            await conn.ExecuteAsync("PRAGMA journal_mode=WAL");
            // BEGIN IMMEDIATE takes SQLite's write lock up front: a second process waits here instead of racing.
            await conn.ExecuteAsync("BEGIN IMMEDIATE");
            try
            {
                var applied = await ApplyAsync(conn, ct);
                await conn.ExecuteAsync("COMMIT");
                return applied;
            }
            catch
            {
                await conn.ExecuteAsync("ROLLBACK");
                throw;
            }
        }

        await conn.ExecuteAsync("SELECT pg_advisory_lock(@k)", new { k = PostgresLockKey }, commandTimeout: CommandTimeoutSeconds);
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var applied = await ApplyAsync(conn, ct, tx);
            await tx.CommitAsync(ct);
            return applied;
        }
        finally
        {
            await conn.ExecuteAsync("SELECT pg_advisory_unlock(@k)", new { k = PostgresLockKey }, commandTimeout: CommandTimeoutSeconds);
        }
    }

    private async Task<int> ApplyAsync(DbConnection conn, CancellationToken ct, DbTransaction? tx = null)
    {
        await conn.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS coffer_migrations (id {TableBuilder.TypeName(ColumnType.Long, db.Engine)} NOT NULL PRIMARY KEY, " +
            $"name TEXT NOT NULL, applied_at {TableBuilder.TypeName(ColumnType.Time, db.Engine)} NOT NULL)", transaction: tx,
            commandTimeout: CommandTimeoutSeconds);
        var appliedIds = (await conn.QueryAsync<long>("SELECT id FROM coffer_migrations", transaction: tx, commandTimeout: CommandTimeoutSeconds)).ToHashSet();
        var newest = appliedIds.Count == 0 ? 0 : appliedIds.Max();
        if (newest > LatestId)
            throw new ConfigurationException(
                $"The database schema is at version {newest}, newer than this Coffer binary understands (up to {LatestId}). " +
                "Run the Coffer release that migrated it (or newer); an older binary must not write to it.");

        var count = 0;
        foreach (var migration in All.Where(m => !appliedIds.Contains(m.Id)))
        {
            ct.ThrowIfCancellationRequested();
            var schema = new SchemaBuilder(db.Engine);
            migration.Up(schema);
            foreach (var statement in schema.Statements)
                await conn.ExecuteAsync(statement, transaction: tx, commandTimeout: CommandTimeoutSeconds);
            await conn.ExecuteAsync(
                "INSERT INTO coffer_migrations (id, name, applied_at) VALUES (@Id, @Name, @At)",
                new { migration.Id, migration.Name, At = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx, CommandTimeoutSeconds);
            LogApplied(migration.Id, migration.Name);
            count++;
        }
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database migration {Id} ({Name})")]
    private partial void LogApplied(int id, string name);
}
