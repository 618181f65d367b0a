using System.Data.Common;
using Coffer.Server.Hosting;
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
        new M006SecretVersionTags(),
        new M007UserLoginLockouts(),
        new M008DataKeyVersions(),
        new M009OrgInvitations(),
        new M010KmsKeys(),
        new M011DynamicSecrets(),
        new M012JwtAuth(),
        new M013OidcAuth(),
        new M014KubernetesAuth(),
        new M015AwsAuth(),
        new M016LdapAuth(),
        new M017BackgroundClaims(),
        new M018OrganizationAuditRetention(),
        new M019AuditEventTypeIndex(),
        new M020AccessTokenAuthInfo(),
    ];

    public static int LatestId => All[^1].Id;

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenForMigrationAsync(ct);
        if (db.Engine == DbEngine.Sqlite)
        {
            await ExecAsync(conn, null, "PRAGMA journal_mode=WAL", ct);
            // BEGIN IMMEDIATE takes SQLite's write lock up front: a second process waits here instead of racing.
            await ExecAsync(conn, null, "BEGIN IMMEDIATE", ct);
            try
            {
                var applied = await ApplyAsync(conn, ct);
                await ExecAsync(conn, null, "COMMIT", ct);
                return applied;
            }
            catch
            {
                await ExecAsync(conn, null, "ROLLBACK", CancellationToken.None);
                throw;
            }
        }

        await ExecAsync(conn, null, $"SELECT pg_advisory_lock({PostgresLockKey})", ct);
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var applied = await ApplyAsync(conn, ct, tx);
            await tx.CommitAsync(ct);
            return applied;
        }
        finally
        {
            await ExecAsync(conn, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None);
        }
    }

    private async Task<int> ApplyAsync(DbConnection conn, CancellationToken ct, DbTransaction? tx = null)
    {
        await ExecAsync(conn, tx,
            $"CREATE TABLE IF NOT EXISTS coffer_migrations (id {TableBuilder.TypeName(ColumnType.Long, db.Engine)} NOT NULL PRIMARY KEY, " +
            $"name TEXT NOT NULL, applied_at {TableBuilder.TypeName(ColumnType.Time, db.Engine)} NOT NULL)", ct);
        var appliedIds = new HashSet<long>();
        await using (var select = Command(conn, tx, "SELECT id FROM coffer_migrations"))
        await using (var reader = await select.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) appliedIds.Add(reader.GetInt64(0));
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
                await ExecAsync(conn, tx, statement, ct);
            await using (var record = Command(conn, tx, "INSERT INTO coffer_migrations (id, name, applied_at) VALUES (@id, @name, @at)"))
            {
                AddParameter(record, "id", (long)migration.Id);
                AddParameter(record, "name", migration.Name);
                AddParameter(record, "at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(ct);
            }
            LogApplied(migration.Id, migration.Name);
            count++;
        }
        return count;
    }

    // Plain ADO.NET rather than Dapper: migrations run before the first request, and Dapper's first use loads and
    // emits more than a start-up should pay for (System.Private.Xml among others; bench/README.md).
    private static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql)
    {
        var command = conn.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.CommandTimeout = CommandTimeoutSeconds;
        return command;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = Command(conn, tx, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database migration {Id} ({Name})")]
    private partial void LogApplied(int id, string name);
}
