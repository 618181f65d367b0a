using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Features.Secrets;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// Revoking a lease, the one way every caller does it (the lease route, a dynamic secret's deletion, the revoker):
/// the lease is claimed by this instance first, so no two instances revoke it at once; its row is deleted only after
/// the provider confirmed, and a failure is written on the lease (status <c>FailedDeletion</c>, the reason, when to
/// try again) and logged with the lease and provider named.
/// </summary>
public sealed partial class LeaseRevocations(Db db, DynamicSecretProviders providers, ProjectKeyRing keyRing, TimeProvider time,
    ILogger<LeaseRevocations> logger)
{
    public const string FailedDeletion = "FailedDeletion";

    /// <summary>How long a claim keeps other instances off a lease: longer than any provider call takes.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    /// <summary>This process, as claims name it.</summary>
    public string Instance { get; } = Ids.New();

    public enum Outcome { Revoked, Failed, Busy }

    /// <summary>Claims the lease and revokes it; <see cref="Outcome.Busy"/> when another instance holds it.</summary>
    public async Task<(Outcome Outcome, LeaseRow? Lease)> RevokeAsync(LeaseRow lease, DynamicSecretRow secret, bool isForced, AuditContext audit,
        string orgId)
    {
        var now = UnixMs.Now(time);
        if (!await db.WriteAsync((conn, tx) => DynamicSecretStore.ClaimAsync(conn, tx, lease.Id, Instance, now, now + (long)ClaimFor.TotalMilliseconds)))
            return (Outcome.Busy, null);
        return await RevokeClaimedAsync(lease, secret, isForced, audit, orgId);
    }

    /// <summary>Revokes a lease this instance has claimed.</summary>
    public async Task<(Outcome Outcome, LeaseRow? Lease)> RevokeClaimedAsync(LeaseRow lease, DynamicSecretRow secret, bool isForced,
        AuditContext audit, string orgId)
    {
        try
        {
            var inputs = await keyRing.WithKeysAsync(secret.ProjectId, keys => Task.FromResult(DynamicSecretInputs.Open(keys!, secret)));
            await providers.Get(secret.Type).RevokeAsync(inputs, lease.ExternalEntityId, CancellationToken.None);
        }
        catch (ProviderException ex) when (!isForced)
        {
            var now = UnixMs.Now(time);
            var next = now + (long)Backoff(lease.RevokeAttempts + 1).TotalMilliseconds;
            var details = ex.Message.Length > 255 ? ex.Message[..255] : ex.Message;
            LogFailed(logger, lease.Id, secret.Type, lease.RevokeAttempts + 1, ex.Message);
            var failed = await db.WriteAsync(async (conn, tx) =>
            {
                await DynamicSecretStore.RecordFailureAsync(conn, tx, lease.Id, FailedDeletion, details, next, now, Instance);
                return await DynamicSecretStore.FindLeaseAsync(conn, lease.Id, tx);
            });
            CofferMetrics.LeaseRevocations.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            return (Outcome.Failed, failed ?? lease);
        }
        catch (ProviderException ex)
        {
            LogForced(logger, lease.Id, secret.Type, ex.Message);
        }
        var at = UnixMs.Now(time);
        var deleted = await db.WriteAsync(async (conn, tx) =>
        {
            if (await DynamicSecretStore.DeleteClaimedLeaseAsync(conn, tx, lease.Id, Instance) == 0) return false;
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-dynamic-secret-lease", new JsonObject
            {
                ["dynamicSecretName"] = secret.Name,
                ["dynamicSecretType"] = secret.Type,
                ["dynamicSecretId"] = secret.Id,
                ["leaseId"] = lease.Id,
                ["leaseExternalEntityId"] = lease.ExternalEntityId,
                ["leaseStatus"] = lease.Status,
                ["projectId"] = secret.ProjectId,
                ["isForced"] = isForced,
            }, orgId, secret.ProjectId), at);
            return true;
        });
        if (deleted) CofferMetrics.LeaseRevocations.Add(1, new KeyValuePair<string, object?>("outcome", isForced ? "forced" : "revoked"));
        return deleted ? (Outcome.Revoked, lease) : (Outcome.Busy, null);
    }

    /// <summary>Revokes every lease of a dynamic secret; the number that failed.</summary>
    public async Task<int> RevokeAllAsync(DynamicSecretRow secret, AuditContext audit, string orgId, bool isForced)
    {
        var failures = 0;
        foreach (var lease in await db.ReadAsync(conn => DynamicSecretStore.ListLeasesAsync(conn, secret.Id)))
        {
            var (outcome, _) = await RevokeAsync(lease, secret, isForced, audit, orgId);
            if (outcome != Outcome.Revoked) failures++;
        }
        return failures;
    }

    /// <summary>5 s, 10 s, 20 s … at most 10 minutes between attempts on a provider that keeps failing.</summary>
    public static TimeSpan Backoff(long attempt) => TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, Math.Min(attempt - 1, 10))));

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Revoking dynamic-secret lease {LeaseId} ({Provider}) failed (attempt {Attempt}); it stays and is retried: {Reason}")]
    private static partial void LogFailed(ILogger logger, string leaseId, string provider, long attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Revoking dynamic-secret lease {LeaseId} ({Provider}) failed; deleted anyway as forced: {Reason}")]
    private static partial void LogForced(ILogger logger, string leaseId, string provider, string reason);
}
