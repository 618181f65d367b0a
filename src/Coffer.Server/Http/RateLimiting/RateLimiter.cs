using System.Collections.Concurrent;
using Coffer.Server.Data;

namespace Coffer.Server.Http.RateLimiting;

/// <summary>
/// Counts hits per bucket (policy route + client IP) in the database, so several instances share one count, and
/// decides each request exactly: the n-th hit of a window is allowed while n &lt;= the limit.
/// <para>Two in-process shortcuts keep it cheap without giving up exactness:</para>
/// <list type="bullet">
/// <item>Concurrent hits on one bucket are coalesced into one upsert that adds them all (group commit); each hit
/// learns its own position from the returned total.</item>
/// <item>Once a bucket is over its limit, the instance remembers until when: counts only grow within a window and
/// the window's end is fixed, so every later hit before that moment is refused without a database round trip.</item>
/// </list>
/// </summary>
public sealed partial class RateLimiter(Db db, TimeProvider time, ILogger<RateLimiter> logger)
{
    public const long WindowMs = 60_000;
    private const int MaxTrackedBuckets = 100_000;

    private readonly ConcurrentDictionary<string, long> _refusedUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BucketBatch> _batches = new(StringComparer.Ordinal);
    private long _lastSweep;

    public async ValueTask<RateLimitDecision> HitAsync(string bucket, int limit)
    {
        var now = UnixMs.Now(time);
        if (_refusedUntil.TryGetValue(bucket, out var until))
        {
            if (until > now) return RateLimitDecision.Refuse(limit, until - now);
            _refusedUntil.TryRemove(new KeyValuePair<string, long>(bucket, until));
        }

        if (_batches.Count >= MaxTrackedBuckets) _batches.Clear(); // safe: the database, not the batch, holds the count
        var batch = _batches.GetOrAdd(bucket, static (key, self) => new BucketBatch(key, self), this);
        var (position, windowStartedAt) = await batch.AddAsync();

        now = UnixMs.Now(time);
        var windowEnd = windowStartedAt + WindowMs;
        var left = Math.Max(1, windowEnd - now);
        SweepExpiredOccasionally(now);
        if (position <= limit) return RateLimitDecision.Allow(limit, limit - position, left);

        if (_refusedUntil.Count >= MaxTrackedBuckets) PruneRefusals(now);
        _refusedUntil[bucket] = windowEnd;
        return RateLimitDecision.Refuse(limit, left);
    }

    private Task<RateLimitStore.Counter> AddToDatabaseAsync(string bucket, int hits) =>
        RateLimitStore.AddAsync(db, bucket, hits, UnixMs.Now(time));

    /// <summary>At most once a window per instance, off the request path: expired buckets are dead weight.</summary>
    private void SweepExpiredOccasionally(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < WindowMs || Interlocked.CompareExchange(ref _lastSweep, now, last) != last) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await RateLimitStore.DeleteExpiredAsync(db, now);
            }
            catch (Exception ex)
            {
                LogSweepFailed(ex.Message);
            }
        });
    }

    private void PruneRefusals(long now)
    {
        foreach (var (key, until) in _refusedUntil)
            if (until <= now) _refusedUntil.TryRemove(new KeyValuePair<string, long>(key, until));
        if (_refusedUntil.Count >= MaxTrackedBuckets) _refusedUntil.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete expired rate-limit counters: {Reason}")]
    private partial void LogSweepFailed(string reason);

    /// <summary>
    /// The hits on one bucket waiting for the database. While one upsert is in flight, new hits queue; the next
    /// upsert adds them all at once and each hit's position is <c>total - batchSize + itsIndex</c>.
    /// </summary>
    private sealed class BucketBatch(string bucket, RateLimiter owner)
    {
        private readonly Lock _gate = new();
        private int _pending;
        private TaskCompletionSource<(long Total, long WindowStartedAt, int Size)>? _waiting;
        private bool _flushing;

        public async Task<(long Position, long WindowStartedAt)> AddAsync()
        {
            int index;
            Task<(long Total, long WindowStartedAt, int Size)> result;
            var lead = false;
            lock (_gate)
            {
                index = ++_pending;
                _waiting ??= new TaskCompletionSource<(long, long, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
                result = _waiting.Task;
                if (!_flushing) _flushing = lead = true;
            }

            if (lead) _ = FlushAsync();
            var (total, windowStartedAt, size) = await result;
            return (total - size + index, windowStartedAt);
        }

        private async Task FlushAsync()
        {
            while (true)
            {
                int size;
                TaskCompletionSource<(long, long, int)> waiting;
                lock (_gate)
                {
                    if (_pending == 0)
                    {
                        _flushing = false;
                        return;
                    }
                    size = _pending;
                    waiting = _waiting!;
                    _pending = 0;
                    _waiting = null;
                }

                try
                {
                    var counter = await owner.AddToDatabaseAsync(bucket, size);
                    waiting.SetResult((counter.Hits, counter.WindowStartedAt, size));
                }
                catch (Exception ex)
                {
                    waiting.SetException(ex);
                }
            }
        }
    }
}

/// <summary>The answer for one hit, with what the <c>x-ratelimit-*</c> headers report.</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, long Remaining, long MillisecondsLeft)
{
    /// <summary>Whole seconds until the window ends, rounded up (Infisical: <c>Math.ceil(ttl / 1000)</c>).</summary>
    public int SecondsLeft => (int)((MillisecondsLeft + 999) / 1000);

    public static RateLimitDecision Allow(int limit, long remaining, long msLeft) => new(true, limit, remaining, msLeft);

    public static RateLimitDecision Refuse(int limit, long msLeft) => new(false, limit, 0, msLeft);
}
