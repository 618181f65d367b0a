using System.Data.Common;
using Coffer.Server.Http;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Server.Data;

/// <summary>
/// The one way into the database. Reads get a pooled connection; writes get a transaction that commits only if the
/// work finishes. On SQLite, writers queue in process instead of spinning on SQLITE_BUSY.
/// </summary>
public sealed class Db : IAsyncDisposable
{
    private readonly string _sqliteConnectionString = "";
    private readonly NpgsqlDataSource? _postgres;
    private readonly SemaphoreSlim _sqliteWriteGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<nint, byte> _initializedSqliteHandles = new();
    private readonly SqliteCounterReaders? _sqliteCounters;

    static Db()
    {
        // Columns are snake_case, properties PascalCase.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private Db(DbEngine engine, string? sqliteConnectionString, NpgsqlDataSource? postgres)
    {
        Engine = engine;
        _sqliteConnectionString = sqliteConnectionString ?? "";
        _postgres = postgres;
        if (engine == DbEngine.Sqlite) _sqliteCounters = new SqliteCounterReaders(_sqliteConnectionString);
    }

    public DbEngine Engine { get; }

    public static Db ForSqlite(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
        return new Db(DbEngine.Sqlite, cs, null);
    }

    public static Db ForPostgres(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The same few statements run on every request (the security epoch, content versions, token state): let Npgsql
        // prepare them server-side after a couple of uses instead of having PostgreSQL parse and plan them each time.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        return new Db(DbEngine.Postgres, null, builder.Build());
    }

    /// <summary>The security epoch as committed now (see <see cref="SecurityEpoch"/>); read once per authenticated request.</summary>
    public async ValueTask<long> ReadSecurityEpochAsync()
    {
        if (_sqliteCounters is not null) return _sqliteCounters.SecurityEpoch();
        return await ReadAsync(conn => Data.SecurityEpoch.ReadAsync(conn));
    }

    /// <summary>A project's content version as committed now; read once per secret read.</summary>
    public async ValueTask<long> ReadContentVersionAsync(string projectId)
    {
        if (_sqliteCounters is not null) return _sqliteCounters.ContentVersion(projectId);
        return await ReadAsync(conn => Features.Secrets.ProjectContentVersion.ReadAsync(conn, projectId));
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        try
        {
            if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
            var conn = new SqliteConnection(_sqliteConnectionString);
            await conn.OpenAsync(ct);
            // Per connection, not persistent: set it once for each physical connection the pool hands out. NORMAL in WAL
            // mode never loses a committed transaction to a process crash, only (possibly) the last ones to a power cut,
            // and spares an fsync per commit. (Should a freed handle's address be reused, the new connection merely keeps
            // the safer default, FULL.)
            if (_initializedSqliteHandles.TryAdd(conn.Handle!.DangerousGetHandle(), 0))
            {
                using var pragma = conn.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous=NORMAL";
                await pragma.ExecuteNonQueryAsync(ct);
            }
            return conn;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new DatabaseUnavailableException();
        }
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        try
        {
            return await work(conn);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new DatabaseUnavailableException();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction; an exception rolls everything back.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        var gated = Engine == DbEngine.Sqlite;
        if (gated) await _sqliteWriteGate.WaitAsync(ct);
        try
        {
            await using var conn = await OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                var result = await work(conn, tx);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                throw new DatabaseUnavailableException();
            }
        }
        finally
        {
            if (gated) _sqliteWriteGate.Release();
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t); return true; }, ct);

    /// <summary>Errors that mean "the database cannot be reached right now", as opposed to a bug or a constraint.</summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "08006" or "08001" or "08004",
        TimeoutException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        else
        {
            _sqliteCounters?.Dispose();
            SqliteConnection.ClearAllPools();
        }
        _sqliteWriteGate.Dispose();
    }
}
