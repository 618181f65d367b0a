using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>
/// Audit events of reads (get-secrets, get-identity-universal-auth, …) are written in batches off the request path,
/// so reads never wait on a write. Changes are audited in their own transaction instead (see <see cref="AuditLog"/>).
/// Stopping the server drains the queue before it exits, so a clean shutdown loses nothing.
/// </summary>
public sealed partial class AuditBatcher(Db db, TimeProvider time, IMeterFactory meters, ILogger<AuditBatcher> logger) : BackgroundService
{
    private const int BatchSize = 500;

    // Each commit costs the same few page writes however many rows it carries, and every commit makes readers revalidate
    // their page cache; waiting briefly after the first event turns a stream of reads into a few large batches.
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(25);
    // A lock-free queue, not a Channel: every audited read enqueues, and the channel's writer lock was contended under load.
    private readonly ConcurrentQueue<AuditRow> _queue = new();
    // Never disposed: a request finishing during shutdown may still enqueue, and a SemaphoreSlim whose wait handle is
    // never asked for holds nothing that needs disposing.
    private readonly SemaphoreSlim _wake = new(0);
    private int _wakePending; // 1 from the first event after a drain until the batcher takes it: one wake-up per batch
    // One drain at a time: a flush must not return while the background loop still holds rows it dequeued but has not
    // committed (the flush would find the queue empty and report "settled" too early). Never disposed, like _wake.
    private readonly SemaphoreSlim _draining = new(1, 1);

    public void Enqueue(AuditContext ctx, AuditEvent e)
    {
        _queue.Enqueue(AuditLogStore.ToRow(ctx, e, UnixMs.Now(time)));
        if (Interlocked.Exchange(ref _wakePending, 1) == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CofferMetrics.Gauge(meters, "coffer.audit.queue_depth", "Audit events of reads waiting to be written", () => _queue.Count);
        var batch = new List<AuditRow>(BatchSize);
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stoppingToken);
                await Task.Delay(Linger, stoppingToken);
                // Reset before draining: an event enqueued from here on either is drained now or wakes the next round.
                Volatile.Write(ref _wakePending, 0);
                await DrainAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await DrainAsync(batch);
    }

    /// <summary>
    /// Returns once every event queued before the call is on disk (or reported lost): the audit-log route calls it
    /// before reading, tests to see batched events without waiting.
    /// </summary>
    public async Task FlushAsync()
    {
        var batch = new List<AuditRow>(BatchSize);
        await DrainAsync(batch);
    }

    private async Task DrainAsync(List<AuditRow> batch)
    {
        await _draining.WaitAsync();
        try
        {
            await DrainQueueAsync(batch);
        }
        finally
        {
            _draining.Release();
        }
    }

    private async Task DrainQueueAsync(List<AuditRow> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.TryDequeue(out var row)) batch.Add(row);
            if (batch.Count == 0) return;
            try
            {
                await db.WriteAsync((conn, tx) => AuditLogStore.WriteManyAsync(conn, tx, batch));
            }
            catch (Exception ex)
            {
                LogDropped(ex, batch.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} audit events")]
    private partial void LogDropped(Exception ex, int count);
}
