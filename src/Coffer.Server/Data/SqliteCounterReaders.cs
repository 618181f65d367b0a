using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Coffer.Server.Data;

/// <summary>
/// The two reads every request makes on SQLite — the security epoch, and a project's content version on secret reads —
/// through a few dedicated connections whose statements stay prepared. Through the general path each read paid for a
/// pooled connection open (a lock shared by every request), a pragma, and parsing and planning its SQL again; that was
/// most of what an authenticated read cost beyond HTTP itself. Every call reads the committed database;
/// <see cref="SqliteCounterCache"/> decides when a call is needed.
/// </summary>
internal sealed class SqliteCounterReaders(string connectionString) : IDisposable
{
    // Idle readers in slots taken and returned with one atomic exchange each: every request passes through here twice,
    // and a locking pool (ConcurrentBag's push takes a lock) showed up as contention under load. Probing starts at a
    // slot picked by thread id, so threads mostly touch different slots.
    private readonly Reader?[] _slots = new Reader?[Math.Max(16, Environment.ProcessorCount * 4)];
    private volatile bool _disposed;

    public long SecurityEpoch()
    {
        var reader = Rent();
        try
        {
            var value = reader.SecurityEpoch();
            Return(reader);
            return value;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public long ContentVersion(string projectId)
    {
        var reader = Rent();
        try
        {
            var value = reader.ContentVersion(projectId);
            Return(reader);
            return value;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private Reader Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var start = Environment.CurrentManagedThreadId;
        for (var i = 0; i < _slots.Length; i++)
        {
            var reader = Interlocked.Exchange(ref _slots[(start + i) % _slots.Length], null);
            if (reader is not null) return reader;
        }
        return new Reader(connectionString);
    }

    private void Return(Reader reader)
    {
        var start = Environment.CurrentManagedThreadId;
        for (var i = 0; !_disposed && i < _slots.Length; i++)
        {
            ref var slot = ref _slots[(start + i) % _slots.Length];
            if (Interlocked.CompareExchange(ref slot, reader, null) is not null) continue;
            // Dispose may have emptied the slots between the check and the exchange: take it back if nobody else has.
            if (_disposed && Interlocked.CompareExchange(ref slot, null, reader) == reader) reader.Dispose();
            return;
        }
        reader.Dispose(); // every slot full (a burst beyond the usual concurrency) or shutting down
    }

    public void Dispose()
    {
        _disposed = true;
        for (var i = 0; i < _slots.Length; i++) Interlocked.Exchange(ref _slots[i], null)?.Dispose();
    }

    /// <summary>
    /// One connection with its two statements prepared once; used by one caller at a time. The statements are stepped
    /// through SQLite's own API: each read is one step, one column and a reset, where a command's ExecuteScalar also
    /// built a data reader, a record and a callback and boxed the value (about 7 % of B1's allocations, bench/README.md).
    /// </summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _epoch;
        private readonly sqlite3_stmt _version;

        public Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            _epoch = Prepare("SELECT value FROM coffer_state WHERE key = 'security_epoch'");
            _version = Prepare("SELECT version FROM project_content_versions WHERE project_id = ?1");
        }

        public long SecurityEpoch() => ReadLong(_epoch);

        public long ContentVersion(string projectId)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(_version, 1, projectId), _connection.Handle);
            return ReadLong(_version);
        }

        /// <summary>The first column of the first row; 0 when there is no row (a project whose content never changed).</summary>
        private long ReadLong(sqlite3_stmt statement)
        {
            try
            {
                var rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_ROW) return raw.sqlite3_column_int64(statement, 0);
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle); // no-op for SQLITE_DONE: no row
                return 0;
            }
            finally
            {
                // Ends the read transaction the step began, so the next read sees whatever was committed meanwhile.
                raw.sqlite3_reset(statement);
            }
        }

        private sqlite3_stmt Prepare(string sql)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement), _connection.Handle);
            return statement;
        }

        public void Dispose()
        {
            _epoch.Dispose();
            _version.Dispose();
            _connection.Dispose();
        }
    }
}
