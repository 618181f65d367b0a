using System.Data.Common;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// Checks a database the server is not running on, straight after a crash: the engine's own structural check
/// (SQLite <c>PRAGMA integrity_check</c> and <c>foreign_key_check</c>; PostgreSQL <c>amcheck</c> on every index and
/// heap), then Coffer's own invariants, which hold only if every multi-row write was one transaction.
/// Returns the problems found; none means the database is consistent.
/// </summary>
public static class DatabaseIntegrity
{
    /// <summary>Rows that must not exist: each query counts violations of one invariant.</summary>
    private static readonly (string Invariant, string Sql)[] Invariants =
    [
        ("a project without its data key",
            "SELECT COUNT(*) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM project_data_keys k WHERE k.project_id = p.id)"),
        ("a project without an admin membership",
            "SELECT COUNT(*) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM project_memberships m JOIN project_membership_roles r " +
            "ON r.membership_id = m.id WHERE m.project_id = p.id AND r.role = 'admin')"),
        ("an environment without its root folder",
            "SELECT COUNT(*) FROM project_environments e WHERE NOT EXISTS (SELECT 1 FROM secret_folders f WHERE f.env_id = e.id AND f.parent_id IS NULL)"),
        ("an identity without an organization membership",
            "SELECT COUNT(*) FROM identities i WHERE NOT EXISTS (SELECT 1 FROM org_memberships m WHERE m.identity_id = i.id)"),
        ("a project membership without a role",
            "SELECT COUNT(*) FROM project_memberships m WHERE NOT EXISTS (SELECT 1 FROM project_membership_roles r WHERE r.membership_id = m.id)"),
        ("a secret without the version row of its current version",
            "SELECT COUNT(*) FROM secrets s WHERE NOT EXISTS (SELECT 1 FROM secret_versions v WHERE v.secret_id = s.id AND v.version = s.version)"),
        ("a secret version newer than its secret",
            "SELECT COUNT(*) FROM secret_versions v JOIN secrets s ON s.id = v.secret_id WHERE v.version > s.version"),
    ];

    public static async Task<IReadOnlyList<string>> CheckAsync(TestDatabase database)
    {
        await using var conn = Open(database);
        await conn.OpenAsync();
        var problems = conn is SqliteConnection ? await SqliteAsync(conn) : await PostgresAsync(conn);
        foreach (var (invariant, sql) in Invariants)
        {
            var count = Convert.ToInt64(await ScalarAsync(conn, sql), System.Globalization.CultureInfo.InvariantCulture);
            if (count != 0) problems.Add($"{count} × {invariant}");
        }
        return problems;
    }

    /// <summary>The engine's check in one line, for the report.</summary>
    public static string EngineCheck => TestDatabase.IsPostgres ? "amcheck bt_index_check(heapallindexed) + verify_heapam" : "PRAGMA integrity_check + foreign_key_check";

    private static async Task<List<string>> SqliteAsync(DbConnection conn)
    {
        var problems = new List<string>();
        var integrity = await RowsAsync(conn, "PRAGMA integrity_check");
        if (integrity is not ["ok"]) problems.Add("integrity_check: " + string.Join("; ", integrity));
        var foreignKeys = await RowsAsync(conn, "PRAGMA foreign_key_check");
        if (foreignKeys.Count > 0) problems.Add("foreign_key_check: " + string.Join("; ", foreignKeys.Take(10)));
        return problems;
    }

    private static async Task<List<string>> PostgresAsync(DbConnection conn)
    {
        var problems = new List<string>();
        await ScalarAsync(conn, "CREATE EXTENSION IF NOT EXISTS amcheck");
        var indexes = await RowsAsync(conn,
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = 'public' ORDER BY 1");
        if (indexes.Count == 0) problems.Add("amcheck: no indexes found to check");
        foreach (var index in indexes)
        {
            try
            {
                // heapallindexed: every row of the table is found through the index, not just the index's own structure.
                await ScalarAsync(conn, $"SELECT bt_index_check('public.\"{index}\"'::regclass, true)");
            }
            catch (PostgresException ex)
            {
                problems.Add($"bt_index_check({index}): {ex.MessageText}");
            }
        }
        foreach (var table in await RowsAsync(conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
        {
            var corrupt = await RowsAsync(conn, $"SELECT blkno || ':' || msg FROM verify_heapam('public.\"{table}\"'::regclass)");
            if (corrupt.Count > 0) problems.Add($"verify_heapam({table}): " + string.Join("; ", corrupt.Take(5)));
        }
        return problems;
    }

    private static DbConnection Open(TestDatabase database) => database.ConnectionUri is null
        ? new SqliteConnection($"Data Source={database.SqlitePath};Mode=ReadWrite;Pooling=False")
        : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestDatabase.PostgresAdmin) { Database = database.Name, Pooling = false }.ConnectionString);

    private static async Task<object?> ScalarAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task<List<string>> RowsAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }
}
