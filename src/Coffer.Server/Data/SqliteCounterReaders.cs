using Microsoft.Data.Sqlite;

namespace Coffer.Server.Data;

/// <summary>
/// The two reads every request makes on SQLite — the security epoch, and a project's content version on secret reads —
/// through a few dedicated connections whose statements stay prepared. Through the general path each read paid for a
/// pooled connection open (a lock shared by every request), a pragma, and parsing and planning its SQL again; that was
/// most of what an authenticated read cost beyond HTTP itself. Every call still reads the committed database, so a
/// revocation committed by any connection or process is seen by the very next request.
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

    /// <summary>One connection with its two statements prepared once; used by one caller at a time.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _epoch;
        private readonly SqliteCommand _version;
        private readonly SqliteParameter _projectId;

        public Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            _epoch = _connection.CreateCommand();
            _epoch.CommandText = "SELECT value FROM coffer_state WHERE key = 'security_epoch'";
            _epoch.Prepare();
            _version = _connection.CreateCommand();
            _version.CommandText = "SELECT version FROM project_content_versions WHERE project_id = $projectId";
            _projectId = _version.Parameters.Add("$projectId", SqliteType.Text);
            _projectId.Value = "";
            _version.Prepare();
        }

        public long SecurityEpoch() => Convert.ToInt64(_epoch.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        public long ContentVersion(string projectId)
        {
            _projectId.Value = projectId;
            return _version.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }

        public void Dispose()
        {
            _epoch.Dispose();
            _version.Dispose();
            _connection.Dispose();
        }
    }
}
