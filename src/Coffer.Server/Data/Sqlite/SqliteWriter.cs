using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Coffer.Server.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Coffer.Server.Data.Sqlite;

/// <summary>
/// Every write on SQLite goes through here: one long-lived connection runs the queued units of work one after another,
/// and all the units that queued up meanwhile share a transaction (group commit). SQLite allows one writer at a time
/// anyway; what a shared transaction saves is a commit per unit (its WAL page writes, and the page-cache revalidation
/// it forces on every reader) and the hand-over of the write lock from request to request.
/// <para>Each unit runs inside its own savepoint: a unit that throws is rolled back alone and gets its exception, the
/// others carry on. No unit's caller hears back before the shared commit has happened, so "committed before the
/// response" holds exactly as with a transaction per unit. If the commit itself fails, every unit of the batch fails
/// with it.</para>
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    // Bounds how long the first unit of a batch waits for the last: a batch closes after this many units or this much
    // work, whichever comes first, and commits.
    private const int MaxUnits = 64;
    private static readonly TimeSpan MaxBatchTime = TimeSpan.FromMilliseconds(20);

    private readonly string _connectionString;
    private readonly ConcurrentQueue<Unit> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _wakePending;
    private long _commits;
    private StatementCachingConnection? _conn;

    public SqliteWriter(string connectionString)
    {
        _connectionString = connectionString;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// How many batches have ended (committed or not) so far. It moves before any caller of a batch hears back, so a
    /// value read from the database after seeing count N reflects every write whose caller was answered by then.
    /// </summary>
    public long Commits => Interlocked.Read(ref _commits);

    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var unit = new Unit<T>(work, ct);
        _queue.Enqueue(unit);
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
        return unit.Task;
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                await _wake.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Units queued before the stop still run: their callers are waiting.
            }
            // Reset before draining: a unit queued from here on is either drained now or wakes the next round.
            Volatile.Write(ref _wakePending, 0);
            while (!_queue.IsEmpty) await RunBatchAsync();
            if (_stopping.IsCancellationRequested && _queue.IsEmpty) return;
        }
    }

    private async Task RunBatchAsync()
    {
        var done = new List<Unit>(8);
        Unit? current = null;
        try
        {
            var conn = _conn ??= Open();
            await using var tx = await conn.BeginTransactionAsync();
            var started = Stopwatch.GetTimestamp();
            while (done.Count < MaxUnits && Stopwatch.GetElapsedTime(started) < MaxBatchTime && _queue.TryDequeue(out current))
            {
                CofferMetrics.SqliteWriterWait.Record(Stopwatch.GetElapsedTime(current.Queued).TotalMilliseconds);
                if (current.CancellationToken.IsCancellationRequested)
                {
                    current.Cancel();
                    current = null;
                    continue;
                }
                conn.Execute("SAVEPOINT unit");
                try
                {
                    await current.RunAsync(conn, tx);
                }
                catch (Exception ex)
                {
                    // If the failure took the whole transaction with it (SQLite rolls back by itself on a full disk, an
                    // I/O error, …), there is no savepoint left to return to: that throws, and the batch fails as a whole.
                    conn.Execute("ROLLBACK TO unit");
                    conn.Execute("RELEASE unit");
                    current.Fail(ex);
                    current = null;
                    continue;
                }
                conn.Execute("RELEASE unit");
                done.Add(current);
                current = null;
            }
            await tx.CommitAsync();
        }
        catch (Exception ex)
        {
            // The connection's state is unknown now (an open transaction, a lost savepoint): start the next batch on a new one.
            DropConnection();
            Interlocked.Increment(ref _commits);
            current?.Fail(ex);
            foreach (var unit in done) unit.Fail(ex);
            // Failed before taking any unit (the connection would not open or begin): the next unit gets the error, so
            // every batch consumes at least one unit and the loop cannot spin on a queue it never drains.
            if (current is null && done.Count == 0 && _queue.TryDequeue(out var next)) next.Fail(ex);
            return;
        }
        Interlocked.Increment(ref _commits);
        CofferMetrics.SqliteWriterBatchUnits.Record(done.Count);
        foreach (var unit in done) unit.Complete();
    }

    private StatementCachingConnection Open()
    {
        var conn = new StatementCachingConnection(_connectionString);
        conn.Open();
        // Per connection, not persistent. NORMAL in WAL mode never loses a committed transaction to a process crash,
        // only (possibly) the last ones to a power cut, and spares an fsync per commit.
        conn.Execute("PRAGMA synchronous=NORMAL");
        return conn;
    }

    private void DropConnection()
    {
        try
        {
            _conn?.Dispose();
        }
        catch (Exception)
        {
            // Disposing a connection in an unknown state may fail again; it is being thrown away either way.
        }
        _conn = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        // A unit queued while the loop was finishing would otherwise wait forever.
        while (_queue.TryDequeue(out var late)) late.Fail(new ObjectDisposedException(nameof(SqliteWriter)));
        DropConnection();
        _stopping.Dispose();
        _wake.Dispose();
    }

    private abstract class Unit(CancellationToken ct)
    {
        public CancellationToken CancellationToken { get; } = ct;
        public long Queued { get; } = Stopwatch.GetTimestamp();
        public abstract Task RunAsync(DbConnection conn, DbTransaction tx);
        public abstract void Complete();
        public abstract void Fail(Exception ex);
        public abstract void Cancel();
    }

    private sealed class Unit<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) : Unit(ct)
    {
        // Continuations run elsewhere: the writer must not carry a caller's response while others wait for their commit.
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(DbConnection conn, DbTransaction tx) => _result = await WriteUnit.RunAsync(() => work(conn, tx));
        public override void Complete() => _done.TrySetResult(_result);
        public override void Fail(Exception ex) => _done.TrySetException(ex);
        public override void Cancel() => _done.TrySetCanceled(CancellationToken);
    }
}
