using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Coffer.Server.Data.Sqlite;

/// <summary>
/// A compiled statement of the SQLite writer run through SQLite's own API, for the calls that need no data reader:
/// Dapper's <c>ExecuteAsync</c> and <c>ExecuteScalarAsync</c>. Microsoft.Data.Sqlite binds every parameter by looking
/// its name up (converted to UTF-8, once as written and again with each sigil) and allocates a binder per parameter;
/// here names map to indexes once per statement and text binds as UTF-16. Values of any type it does not map exactly
/// as Microsoft.Data.Sqlite does, a missing parameter, or SQL with more than one statement, make
/// <see cref="TryBind"/> say no, and the call goes the usual way (which also raises the usual errors).
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _parameterCount;
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);

    private RawStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
        _parameterCount = raw.sqlite3_bind_parameter_count(statement);
        IsReadOnly = raw.sqlite3_stmt_readonly(statement) != 0;
    }

    public bool IsReadOnly { get; }

    /// <summary>Null when the SQL is not one statement that compiles.</summary>
    public static RawStatement? TryPrepare(sqlite3 db, string sql)
    {
        if (raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail) != raw.SQLITE_OK) return null;
        if (statement.IsInvalid || !string.IsNullOrWhiteSpace(tail))
        {
            statement.Dispose();
            return null;
        }
        return new RawStatement(db, statement);
    }

    /// <summary>Binds every parameter, or binds nothing and returns false.</summary>
    public bool TryBind(DbParameterCollection parameters)
    {
        raw.sqlite3_clear_bindings(_statement);
        var bound = 0;
        foreach (DbParameter p in parameters)
        {
            var index = IndexOf(p.ParameterName);
            if (index == 0) continue; // not in the SQL: Microsoft.Data.Sqlite ignores it too
            if (!Bind(index, p.Value))
            {
                raw.sqlite3_clear_bindings(_statement);
                return false;
            }
            bound++;
        }
        if (bound == _parameterCount) return true;
        raw.sqlite3_clear_bindings(_statement);
        return false;
    }

    private int IndexOf(string name)
    {
        if (_indexes.TryGetValue(name, out var index)) return index;
        index = raw.sqlite3_bind_parameter_index(_statement, ParameterNames.AsWritten(name));
        _indexes[name] = index;
        return index;
    }

    // The types Coffer's queries pass, bound as Microsoft.Data.Sqlite binds them (integers and booleans as INTEGER,
    // strings as TEXT, byte arrays as BLOB). Anything else goes the usual way.
    private bool Bind(int index, object? value)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            string s => raw.sqlite3_bind_text16(_statement, index, s),
            long l => raw.sqlite3_bind_int64(_statement, index, l),
            int i => raw.sqlite3_bind_int64(_statement, index, i),
            bool b => raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
            byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
            double d => raw.sqlite3_bind_double(_statement, index, d),
            _ => -1,
        };
        if (rc == -1) return false;
        SqliteException.ThrowExceptionForRC(rc, _db);
        return true;
    }

    /// <summary>Runs the bound statement to the end; the rows changed, as Microsoft.Data.Sqlite counts them.</summary>
    public int ExecuteNonQuery()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }
            SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>The first column of the first row (null without rows), typed as Microsoft.Data.Sqlite types it.</summary>
    public object? ExecuteScalar()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
                return null;
            }
            object value = raw.sqlite3_column_type(_statement, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, 0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, 0).ToArray(),
                _ => DBNull.Value,
            };
            // Like Microsoft.Data.Sqlite, stop after the first row: a statement with RETURNING made all its changes at
            // the first step.
            return value;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();
}
