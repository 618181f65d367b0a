using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// Revokes leases when they expire, with no request needed. Its state is the lease table, not a timer: after a
/// restart it finds what fell due meanwhile. It looks at the earliest due time at least every
/// <see cref="PollInterval"/> (a cheap read), and claims due leases in batches (several instances on one PostgreSQL
/// database each take different leases); a provider that fails is retried with backoff (<see cref="LeaseRevocations"/>).
/// </summary>
public sealed partial class LeaseRevoker(Db db, LeaseRevocations revocations, TimeProvider time, ILogger<LeaseRevoker> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const int Batch = 20;

    // Coffer's own doing, not a client's: audit rows say "platform", as a data-key rotation's do.
    private static readonly AuditContext Platform = new("platform", null, new JsonObject(), null, null, "other");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await RunOnceAsync(stoppingToken) == Batch;
            }
            catch (Errors.DatabaseUnavailableException)
            {
                // Db reports the outage once; the next pass after it is over finds whatever fell due meanwhile.
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }
            if (full) continue;
            try
            {
                await Task.Delay(PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: revokes the leases due now (at most a batch); how many it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = UnixMs.Now(time);
        if (await db.ReadAsync(DynamicSecretStore.NextDueAsync, ct) is not { } due || due > now) return 0;
        var claimed = await db.WriteAsync((conn, tx) =>
            DynamicSecretStore.ClaimDueAsync(conn, tx, revocations.Instance, now, now + (long)LeaseRevocations.ClaimFor.TotalMilliseconds, Batch), ct);
        foreach (var lease in claimed)
        {
            ct.ThrowIfCancellationRequested();
            var secret = await db.ReadAsync(conn => DynamicSecretStore.FindByIdAsync(conn, lease.DynamicSecretId), ct);
            if (secret is null) continue; // deleted with its leases meanwhile
            var orgId = (await db.ReadAsync(conn => ProjectRecords.FindAsync(conn, secret.ProjectId), ct))?.OrgId;
            try
            {
                await revocations.RevokeClaimedAsync(lease, secret, isForced: false, Platform, orgId ?? "");
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                LogLeaseFailed(logger, lease.Id, ex);
            }
        }
        return claimed.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The lease revoker's pass failed; it tries again shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Revoking expired dynamic-secret lease {LeaseId} failed unexpectedly; its claim lapses and it is retried")]
    private static partial void LogLeaseFailed(ILogger logger, string leaseId, Exception ex);
}
