using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>
/// Deletes audit rows past their retention: a project's own (<c>PUT /api/v1/workspace/{slug}/audit-logs-retention</c>),
/// else its organization's (<c>PUT /api/v1/organization/audit-logs-retention</c>), else the instance default
/// AUDIT_LOG_RETENTION_DAYS (0: kept for ever). Every few minutes, in batches of a thousand
/// rows each in its own short write unit — never a long lock — and, of several instances on one database, only the
/// one holding the <c>audit-retention</c> claim prunes. Rows pruned are counted (<c>coffer.audit.rows_pruned</c>).
/// </summary>
public sealed partial class AuditRetentionPruner(Db db, CofferOptions options, TimeProvider time, ILogger<AuditRetentionPruner> log) : BackgroundService
{
    public const int BatchSize = 1000;
    private const string ClaimName = "audit-retention";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    private readonly string _owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (DatabaseUnavailableException)
            {
                // The database is away; the next interval tries again.
            }
        }
    }

    /// <summary>One pass over every retention; the rows deleted, or null when another instance holds the claim.</summary>
    public async Task<long?> PruneOnceAsync(CancellationToken ct = default)
    {
        if (!await ClaimAsync()) return null;
        long pruned = 0;
        try
        {
            var now = UnixMs.Now(time);
            foreach (var (projectId, days) in await db.ReadAsync(AuditRetentionStore.ProjectRetentionsAsync, ct))
                pruned += await PruneAsync((conn, tx) => AuditRetentionStore.PruneProjectBatchAsync(conn, tx, projectId, Cutoff(now, days), BatchSize), ct);
            foreach (var (orgId, own) in await db.ReadAsync(AuditRetentionStore.OrganizationRetentionsAsync, ct))
            {
                var days = own > 0 ? own : options.AuditLogRetentionDays;
                if (days > 0)
                    pruned += await PruneAsync((conn, tx) => AuditRetentionStore.PruneOrganizationBatchAsync(conn, tx, orgId, Cutoff(now, days), BatchSize), ct);
            }
        }
        finally
        {
            await db.WriteAsync((conn, tx) => AuditRetentionStore.ReleaseAsync(conn, tx, ClaimName, _owner), CancellationToken.None);
        }
        if (pruned > 0) LogPruned(pruned);
        return pruned;
    }

    private async Task<long> PruneAsync(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<int>> batch, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // Each batch renews the claim in its own write unit, so a pass that outlives the claim is not joined by another.
            var deleted = await db.WriteAsync(async (conn, tx) =>
            {
                var now = UnixMs.Now(time);
                await AuditRetentionStore.ClaimAsync(conn, tx, ClaimName, _owner, now, now + (long)ClaimFor.TotalMilliseconds);
                return await batch(conn, tx);
            }, ct);
            total += deleted;
            CofferMetrics.AuditRowsPruned.Add(deleted);
            if (deleted < BatchSize) return total;
        }
    }

    private Task<bool> ClaimAsync()
    {
        var now = UnixMs.Now(time);
        return db.WriteAsync((conn, tx) => AuditRetentionStore.ClaimAsync(conn, tx, ClaimName, _owner, now, now + (long)ClaimFor.TotalMilliseconds));
    }

    private static long Cutoff(long now, long days) => now - (days * 86_400_000);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Rows} audit rows past their retention")]
    private partial void LogPruned(long rows);
}
