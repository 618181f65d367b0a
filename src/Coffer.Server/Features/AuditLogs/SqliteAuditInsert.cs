using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>
/// The read-audit batcher's insert on SQLite, stepped through SQLite's own API: Microsoft.Data.Sqlite allocates a
/// binder and a UTF-8 copy for every parameter of every row, which made the batcher the largest source of garbage
/// under read load (about 11 % of B1's allocations, bench/README.md). Here each value is encoded into one reused
/// buffer that SQLite copies when binding. The statement is <see cref="AuditLog.InsertSql"/>: SQLite numbers its
/// named parameters 1–12 in order of appearance, which is <see cref="AuditRow"/>'s order.
/// </summary>
internal static class SqliteAuditInsert
{
    /// <summary>Inserts the rows in the connection's current transaction.</summary>
    public static void WriteMany(SqliteConnection conn, IReadOnlyList<AuditRow> rows)
    {
        var db = conn.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, AuditLog.InsertSql, out var statement), db);
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            foreach (var r in rows)
            {
                BindText(statement, 1, r.Id, ref buffer, db);
                BindText(statement, 2, r.OrgId, ref buffer, db);
                BindText(statement, 3, r.ProjectId, ref buffer, db);
                BindText(statement, 4, r.ActorType, ref buffer, db);
                BindText(statement, 5, r.ActorId, ref buffer, db);
                BindText(statement, 6, r.ActorMetadata, ref buffer, db);
                BindText(statement, 7, r.EventType, ref buffer, db);
                BindText(statement, 8, r.EventMetadata, ref buffer, db);
                BindText(statement, 9, r.IpAddress, ref buffer, db);
                BindText(statement, 10, r.UserAgent, ref buffer, db);
                BindText(statement, 11, r.UserAgentType, ref buffer, db);
                SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 12, r.CreatedAt), db);
                SqliteException.ThrowExceptionForRC(raw.sqlite3_step(statement), db);
                raw.sqlite3_reset(statement);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            statement.Dispose();
        }
    }

    private static void BindText(sqlite3_stmt statement, int index, string? value, ref byte[] buffer, sqlite3 db)
    {
        if (value is null)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_null(statement, index), db);
            return;
        }
        // An empty span reaches SQLite as a null pointer, which it stores as NULL; "" has to go through the string form.
        if (value.Length == 0)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, index, ""), db);
            return;
        }
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (buffer.Length < most)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(most);
        }
        var length = Encoding.UTF8.GetBytes(value, buffer);
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length)), db);
    }
}
