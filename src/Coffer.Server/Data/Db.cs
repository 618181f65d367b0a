using System.Data.Common;
using System.Diagnostics;
using Coffer.Server.Data.Sqlite;
using Coffer.Server.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Server.Data;

/// <summary>
/// The one way into the database. Reads get a pooled connection; writes get a transaction that commits only if the
/// work finishes. On SQLite, writes queue for one in-process writer instead of spinning on SQLITE_BUSY.
/// <para>When PostgreSQL cannot be reached, every call fails fast with <see cref="DatabaseUnavailableException"/>
/// (503) and the pool is emptied, so the connections that died with the server are never handed out again; the
/// first call after the server is back opens fresh ones. A read that hit a dead pooled connection is retried once
/// on a fresh one, because reads are safe to repeat. Writes are never repeated (the work may have done more than
/// write to the database); instead, after a quiet spell, a write first checks its pooled connection with a one-row
/// query, so a restart that happened while nothing was running costs no request at all.</para>
/// </summary>
public sealed partial class Db : IAsyncDisposable
{
    // A retry only makes sense when the failure came quickly (a dead pooled connection); a slow failure means the
    // server itself is not answering, and a second wait would break the 5-second bound.
    private static readonly TimeSpan RetryOnlyWithin = TimeSpan.FromSeconds(1);

    // Under steady traffic a dead connection is found (and the pool emptied) by whichever request meets it first;
    // after this long without any successful call, the pool may hold connections the server dropped meanwhile.
    private static readonly TimeSpan QuietSpell = TimeSpan.FromSeconds(1);

    private readonly string _sqliteConnectionString = "";

    // The writer's and the migrator's: never pooled, so neither can take or leave a query_only read connection.
    private readonly string _sqliteUnpooledConnectionString = "";
    private readonly DbDataSource? _postgres;
    private readonly DbDataSource? _postgresReads;
    private readonly SqliteWriter? _sqliteWriter;
    // The physical connections already made read-only, by their handle object: a pooled connection keeps its handle
    // across uses, a new one gets a new handle. (Keyed by the handle's native address, a new connection given the
    // memory of a closed one was taken for it and stayed writable.)
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _readOnlySqliteHandles = new();
    private readonly ILogger _logger;
    private volatile bool _unavailable;
    private long _lastSuccess = Stopwatch.GetTimestamp();
    private readonly SqliteCounterCache? _sqliteCounterCache;
    private readonly Func<Task<long>> _readEpoch;
    private readonly Func<string, Task<long>> _readContentVersion;

    static Db()
    {
        // Columns are snake_case, properties PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private Db(DbEngine engine, string? sqliteConnectionString, DbDataSource? postgres, DbDataSource? postgresReads, ILogger? logger)
    {
        Engine = engine;
        _sqliteConnectionString = sqliteConnectionString ?? "";
        _postgres = postgres;
        _postgresReads = postgresReads;
        _logger = logger ?? NullLogger.Instance;
        // Made once: a delegate per call would be garbage on every request.
        _readEpoch = () => ReadAsync(Data.SecurityEpoch.ReadAsync);
        _readContentVersion = projectId => ReadAsync(conn => ProjectContentVersion.ReadAsync(conn, projectId));
        if (engine != DbEngine.Sqlite) return;
        _sqliteUnpooledConnectionString = new SqliteConnectionStringBuilder(_sqliteConnectionString) { Pooling = false }.ToString();
        _sqliteWriter = new SqliteWriter(_sqliteUnpooledConnectionString);
        _sqliteCounterCache = new SqliteCounterCache(_sqliteWriter);
    }

    public DbEngine Engine { get; }

    public static Db ForSqlite(string path, ILogger? logger = null)
    {
        var full = Path.GetFullPath(path);
        PrivateFiles.EnsureFolder(Path.GetDirectoryName(full)!);
        PrivateFiles.CreateEmpty(full);
        PrivateFiles.Tighten(full, full + "-wal", full + "-shm", full + "-journal");
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        return new Db(DbEngine.Sqlite, cs, null, null, logger);
    }

    /// <param name="connectionString">An Npgsql connection string, normally from <c>PostgresConnection.Build</c>, which adds the timeouts.</param>
    public static Db ForPostgres(string connectionString, ILogger? logger = null)
    {
        return new Db(DbEngine.Postgres, null, PostgresEngine.CreateDataSource(connectionString),
            PostgresEngine.CreateDataSource(connectionString, readOnly: true), logger);
    }

    /// <summary>The security epoch as committed now (see <see cref="SecurityEpoch"/>); read once per authenticated request.</summary>
    public ValueTask<long> ReadSecurityEpochAsync() =>
        _sqliteCounterCache?.SecurityEpochAsync(_readEpoch) ?? new ValueTask<long>(_readEpoch());

    /// <summary>A project's content version as committed now; read once per secret read.</summary>
    public ValueTask<long> ReadContentVersionAsync(string projectId) =>
        _sqliteCounterCache?.ContentVersionAsync(projectId, _readContentVersion) ?? new ValueTask<long>(_readContentVersion(projectId));

    /// <summary>
    /// The security epoch and, if <paramref name="projectId"/> is given, a hint of that project's content version, read
    /// as one query on PostgreSQL. SQLite gives no hint: there both counters come from <see cref="SqliteCounterCache"/>,
    /// and a version read for a request that reads no content would be wasted.
    /// </summary>
    public async ValueTask<(long Epoch, ContentVersionHint? Hint)> ReadCountersAsync(string? projectId)
    {
        if (projectId is null || _sqliteCounterCache is not null) return (await ReadSecurityEpochAsync(), null);
        var (epoch, version) = await ReadAsync(conn => RequestCounters.ReadAsync(conn, projectId));
        return (epoch, new ContentVersionHint(projectId, version));
    }

    private static readonly object ReadOnlyMark = new();

    /// <summary>
    /// A connection that can only read: on SQLite <c>query_only</c> (pooled read connections, set once per physical
    /// connection), on PostgreSQL a pool whose transactions are read-only. Writes go through <see cref="WriteAsync{T}"/>.
    /// </summary>
    private async Task<DbConnection> OpenReaderAsync(CancellationToken ct)
    {
        try
        {
            if (_postgresReads is not null) return await _postgresReads.OpenConnectionAsync(ct);
            var conn = new SqliteConnection(_sqliteConnectionString);
            await conn.OpenAsync(ct);
            // Per connection, not persistent: set once for each physical connection the pool hands out. NORMAL in WAL
            // mode never loses a committed transaction to a process crash, only (possibly) the last ones to a power cut,
            // and spares an fsync per commit.
            if (_readOnlySqliteHandles.TryAdd(conn.Handle!, ReadOnlyMark))
            {
                using var pragma = conn.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA query_only=1";
                await pragma.ExecuteNonQueryAsync(ct);
            }
            return conn;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>
    /// The migrator's connection: a writable one outside the write path, taken before anything else runs. On SQLite it is
    /// not pooled, so it can never be handed out later as a read connection.
    /// </summary>
    internal async Task<DbConnection> OpenForMigrationAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await OpenWriterAsync(ct);
        try
        {
            var conn = new SqliteConnection(_sqliteUnpooledConnectionString);
            await conn.OpenAsync(ct);
            return conn;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    private async Task<DbConnection> OpenWriterAsync(CancellationToken ct)
    {
        try
        {
            return await _postgres!.OpenConnectionAsync(ct);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        using var span = Span("db.read");
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await ReadOnceAsync(work, ct);
        }
        catch (DatabaseUnavailableException) when (_postgres is not null && Stopwatch.GetElapsedTime(started) < RetryOnlyWithin)
        {
            return await ReadOnceAsync(work, ct);
        }
        catch (Exception ex)
        {
            Failed(span, ex);
            throw;
        }
    }

    /// <summary>
    /// A trace span around one unit of database work, or null when nothing listens (the usual case: a check and no
    /// allocation). Only the engine and the kind of unit: never the SQL or its parameters.
    /// </summary>
    private Activity? Span(string name)
    {
        if (!CofferMetrics.Traces.HasListeners()) return null;
        var span = CofferMetrics.Traces.StartActivity(name, ActivityKind.Client);
        span?.SetTag("db.system.name", _postgres is null ? "sqlite" : "postgresql");
        return span;
    }

    private static void Failed(Activity? span, Exception ex)
    {
        // Expected refusals (a 4xx thrown from inside a unit) are answers, not database failures.
        if (span is not null && ex is not ApiException) span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
    }

    private async Task<T> ReadOnceAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var conn = await OpenReaderAsync(ct);
            var result = await work(conn);
            MarkAvailable();
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction; an exception rolls all of its work back. On SQLite the work may
    /// share its commit with other units queued at the same time (<see cref="SqliteWriter"/>); either way it has been
    /// committed when the returned task completes.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        WriteUnit.ThrowIfInside("A write started");
        using var span = Span("db.write");
        try
        {
            return await WriteOnceAsync(work, ct);
        }
        catch (Exception ex)
        {
            Failed(span, ex);
            throw;
        }
    }

    private async Task<T> WriteOnceAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        if (_sqliteWriter is not null) return await _sqliteWriter.RunAsync(work, ct);
        try
        {
            await using var conn = await OpenCheckedAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var result = await WriteUnit.RunAsync(() => work(conn, tx));
            await tx.CommitAsync(ct);
            MarkAvailable();
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>
    /// A pooled connection for a write. After a quiet spell it is tried with <c>SELECT 1</c> first; if the server
    /// dropped it, the pool is emptied and one fresh connection is opened instead. A ping that failed slowly means
    /// the server itself is not answering: no second wait, the caller gets the 503.
    /// </summary>
    private async Task<DbConnection> OpenCheckedAsync(CancellationToken ct)
    {
        var conn = await OpenWriterAsync(ct);
        if (_postgres is null || Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSuccess)) < QuietSpell) return conn;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var ping = conn.CreateCommand();
            ping.CommandText = "SELECT 1";
            await ping.ExecuteScalarAsync(ct);
            return conn;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            await conn.DisposeAsync();
            if (Stopwatch.GetElapsedTime(started) >= RetryOnlyWithin) throw Unavailable(ex);
            PostgresEngine.ClearPool(_postgres);
            return await OpenWriterAsync(ct);
        }
    }

    /// <summary>True when other server processes may share this database (PostgreSQL), so news must travel through it.</summary>
    public bool IsShared => _postgres is not null;

    /// <summary>
    /// PostgreSQL's <c>pg_notify</c> on its own autocommitted statement, so a notification goes out only for work that
    /// has committed. Only meaningful when <see cref="IsShared"/>.
    /// </summary>
    public async Task NotifyAsync(string channel, string payload, CancellationToken ct = default)
    {
        if (_postgres is null) throw new InvalidOperationException("Notifications travel through PostgreSQL only");
        WriteUnit.ThrowIfInside("A notification");
        await using var conn = await OpenWriterAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT pg_notify(@channel, @payload)";
        var c = cmd.CreateParameter();
        c.ParameterName = "channel";
        c.Value = channel;
        cmd.Parameters.Add(c);
        var p = cmd.CreateParameter();
        p.ParameterName = "payload";
        p.Value = payload;
        cmd.Parameters.Add(p);
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Listens on <paramref name="channel"/> (PostgreSQL) until cancelled or the connection fails.</summary>
    public Task ListenAsync(string channel, Action<string> onMessage, CancellationToken ct) =>
        _postgres is null
            ? throw new InvalidOperationException("Notifications travel through PostgreSQL only")
            : PostgresEngine.ListenAsync(_postgres, channel, onMessage, ct);

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t); return true; }, ct);

    /// <summary>Errors that mean "the database cannot be reached right now", as opposed to a bug or a constraint.</summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        DatabaseUnavailableException => true,
        TimeoutException => true,
        _ when PostgresEngine.Owns(ex) => PostgresEngine.IsUnavailable(ex),
        _ => false,
    };

    /// <summary>
    /// Empties the pool (its connections may all be dead), logs the outage once without a stack trace, and gives
    /// the caller the 503 to throw.
    /// </summary>
    private DatabaseUnavailableException Unavailable(Exception ex)
    {
        if (ex is DatabaseUnavailableException already) return already;
        if (_postgres is not null) PostgresEngine.ClearPool(_postgres);
        if (_postgresReads is not null) PostgresEngine.ClearPool(_postgresReads);
        if (!_unavailable)
        {
            _unavailable = true;
            LogUnavailable(ex.GetType().Name, ex.Message);
        }
        return new DatabaseUnavailableException();
    }

    private void MarkAvailable()
    {
        Volatile.Write(ref _lastSuccess, Stopwatch.GetTimestamp());
        if (!_unavailable) return;
        _unavailable = false;
        LogAvailableAgain();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable ({ExceptionType}: {Reason}); answering 503 until it is back")]
    private partial void LogUnavailable(string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database reachable again")]
    private partial void LogAvailableAgain();

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            if (_postgresReads is not null) await _postgresReads.DisposeAsync();
        }
        else
        {
            if (_sqliteWriter is not null) await _sqliteWriter.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }
}
