using System.Collections.Concurrent;
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
    private readonly ConcurrentBag<Reader> _idle = [];
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
        return _idle.TryTake(out var reader) ? reader : new Reader(connectionString);
    }

    private void Return(Reader reader)
    {
        if (_disposed) reader.Dispose();
        else _idle.Add(reader);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var reader)) reader.Dispose();
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
