using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Coffer.Server.Data.Sqlite;

/// <summary>
/// The SQLite writer's connection: commands made through it keep their compiled statements for the next command
/// with the same SQL. Microsoft.Data.Sqlite keeps a statement only as long as the command object that prepared it,
/// and Dapper makes a new command per call, so every write statement used to be parsed and planned again; on the
/// writer's one long-lived connection the same few dozen statements run over and over.
/// <para>Still a <see cref="SqliteConnection"/>, so code that asks which engine it is talking to gets the right
/// answer. Only one caller at a time uses it (the writer runs one unit at a time), so the cache takes no lock.</para>
/// </summary>
internal sealed class StatementCachingConnection(string connectionString) : SqliteConnection(connectionString)
{
    // SQL built per call (Dapper expands list parameters into one placeholder per item) would otherwise grow the
    // cache without bound; past this many distinct texts it starts over.
    private const int MaxStatements = 256;
    private readonly Dictionary<string, SqliteCommand> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement?> _raw = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs SQL without parameters or results on a statement compiled once: the writer's pragma and its per-unit
    /// savepoints, which run twice for every write.
    /// </summary>
    internal void Execute(string sql) =>
        (Raw(sql) ?? throw new InvalidOperationException($"SQLite could not compile \"{sql}\".")).ExecuteNonQuery();

    protected override DbCommand CreateDbCommand() => new ReusingCommand(this);

    /// <summary>A prepared command for <paramref name="sql"/>, taken out of the cache until <see cref="Return"/>.</summary>
    internal SqliteCommand Rent(string sql)
    {
        if (_idle.Remove(sql, out var cached)) return cached;
        var command = base.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>The statement for <paramref name="sql"/> on SQLite's own API, or null when it cannot be one.</summary>
    internal RawStatement? Raw(string sql)
    {
        if (_raw.TryGetValue(sql, out var statement)) return statement;
        if (_raw.Count >= MaxStatements) ClearCache();
        return _raw[sql] = RawStatement.TryPrepare(Handle!, sql);
    }

    internal void Return(SqliteCommand command)
    {
        command.Parameters.Clear();
        command.Transaction = null;
        if (_idle.Count >= MaxStatements) ClearCache();
        // A second command for the same SQL (one was rented twice at once) is not worth keeping.
        if (!_idle.TryAdd(command.CommandText, command)) command.Dispose();
    }

    private void ClearCache()
    {
        foreach (var command in _idle.Values) command.Dispose();
        _idle.Clear();
        foreach (var statement in _raw.Values) statement?.Dispose();
        _raw.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        // Statements must be finalized before the connection closes, or closing fails with SQLITE_BUSY.
        if (disposing) ClearCache();
        base.Dispose(disposing);
    }

    /// <summary>
    /// What Dapper holds: collects the text, parameters and transaction, and executes them on the cached command for
    /// that text, which goes back to the cache when this one is disposed (after its reader, if any, is done).
    /// </summary>
    private sealed class ReusingCommand(StatementCachingConnection connection) : DbCommand
    {
        private readonly ParameterList _parameters = new();
        private SqliteCommand? _rented;

        [AllowNull]
        public override string CommandText { get; set; } = "";
        public override int CommandTimeout { get; set; } = 30;
        public override CommandType CommandType
        {
            get => CommandType.Text;
            set
            {
                if (value != CommandType.Text) throw new NotSupportedException("Only text commands are supported.");
            }
        }
        public override UpdateRowSource UpdatedRowSource { get; set; }
        public override bool DesignTimeVisible { get; set; }
        protected override DbConnection? DbConnection
        {
            get => connection;
            set
            {
                if (!ReferenceEquals(value, connection)) throw new NotSupportedException("A cached command stays on its connection.");
            }
        }
        protected override DbParameterCollection DbParameterCollection => _parameters;
        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new SqliteParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Ready().ExecuteReader(behavior);
        public override int ExecuteNonQuery() =>
            connection.Raw(CommandText) is { IsReadOnly: false } statement && statement.TryBind(_parameters)
                ? statement.ExecuteNonQuery()
                : Ready().ExecuteNonQuery();

        public override object? ExecuteScalar() =>
            connection.Raw(CommandText) is { } statement && statement.TryBind(_parameters)
                ? statement.ExecuteScalar()
                : Ready().ExecuteScalar();

        private SqliteCommand Ready()
        {
            // A command executed twice gives its first statement back before taking the one for its current text.
            GiveBack();
            var command = connection.Rent(CommandText);
            _rented = command;
            command.Transaction = (SqliteTransaction?)DbTransaction;
            command.CommandTimeout = CommandTimeout;
            foreach (DbParameter p in _parameters)
            {
                p.ParameterName = ParameterNames.AsWritten(p.ParameterName);
                command.Parameters.Add(p);
            }
            return command;
        }

        private void GiveBack()
        {
            if (_rented is null) return;
            connection.Return(_rented);
            _rented = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) GiveBack();
            base.Dispose(disposing);
        }
    }
}
