using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.DataKeyRotation;

/// <summary>
/// Re-seals every secret of a project — value, comment and metadata of each secret and of each stored version — under a
/// new data key, then forgets the old one. It runs online: a new key version is made current first (writers from then
/// on seal under it), then rows still under older keys are re-sealed a batch per short transaction while reads and
/// writes go on; the old key is deleted in the transaction that finds none left. Nothing is lost on a crash: the
/// project keeps both keys until the end, a restarted server finishes what it finds (<see cref="DataKeyRotationResumer"/>)
/// and a second call continues rather than starting over.
/// </summary>
public sealed partial class DataKeyRotationService(Db db, ProjectKeyRing keys, ProjectContentCache content, TimeProvider time,
    ILogger<DataKeyRotationService> logger)
{
    /// <summary>Rows per transaction: small enough that a batch holds the single SQLite writer for a few milliseconds.</summary>
    public const int BatchSize = 200;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.Ordinal);

    public async Task<DataKeyRotationResult> RotateAsync(Actor actor, AuditContext audit, string projectId)
    {
        var project = await db.ReadAsync(async conn =>
        {
            if (!await InstanceAdmins.IsAsync(conn, actor)) throw new ForbiddenException("Requires elevated super admin privileges");
            return await ProjectRecords.FindAsync(conn, projectId);
        }) ?? throw new NotFoundException($"Project with ID '{projectId}' not found");
        return await RunAsync(project.Id, project.OrgId, audit, startNew: true, CancellationToken.None);
    }

    /// <summary>Finishes a rotation found unfinished at start-up, as the platform.</summary>
    public async Task<DataKeyRotationResult?> ResumeAsync(string projectId, CancellationToken ct)
    {
        var project = await db.ReadAsync(conn => ProjectRecords.FindAsync(conn, projectId), ct);
        return project is null ? null : await RunAsync(project.Id, project.OrgId, Platform, startNew: false, ct);
    }

    private async Task<DataKeyRotationResult> RunAsync(string projectId, string orgId, AuditContext audit, bool startNew, CancellationToken ct)
    {
        // One rotation of a project at a time on this instance; another instance running one too only finds less to do.
        var gate = _running.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var target = await StartAsync(projectId, startNew, ct);
            LogStarted(logger, projectId, target);
            var projectKeys = await keys.LoadAsync(projectId) ?? throw new InvalidOperationException($"Project {projectId} has no data key.");
            var counts = new long[DataKeyRotationStore.SealedTables.Count];
            for (var i = 0; i < counts.Length; i++)
            {
                var table = DataKeyRotationStore.SealedTables[i];
                while (await ResealBatchAsync(projectId, projectKeys, target, table, ct) is var (seen, resealed) && seen > 0)
                {
                    // Every row read was locked for its batch, so each is re-sealed; anything else would loop forever.
                    if (resealed == 0) throw new InvalidOperationException($"Data-key rotation of project {projectId} made no progress on {table.Table}.");
                    counts[i] += resealed;
                    content.Forget(projectId);
                    LogProgress(logger, projectId, table.Table, counts[i]);
                }
            }
            var result = new DataKeyRotationResult(projectId, counts[0], counts[1], counts[2], counts[3], target);
            await FinishAsync(projectId, orgId, audit, result, ct);
            content.Forget(projectId);
            await keys.LoadAsync(projectId);
            LogFinished(logger, projectId, target, result.SecretsResealed, result.VersionsResealed);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The key version everything ends under: a new one, or the newest when a rotation is already under way.</summary>
    private Task<long> StartAsync(string projectId, bool startNew, CancellationToken ct) =>
        db.WriteAsync(async (conn, tx) =>
        {
            // The bump first: writers bump the same row before checking their key is current, so each is ordered
            // against this transaction (see ProjectKeyRing.RequireCurrentAsync).
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            var versions = await DataKeyRotationStore.KeyVersionsAsync(conn, tx, projectId);
            if (versions.Count > 1 || (!startNew && versions.Count == 1)) return versions[^1];
            return await keys.AddVersionAsync(conn, tx, projectId, UnixMs.Now(time));
        }, ct);

    private async Task<(int Seen, int Resealed)> ResealBatchAsync(string projectId, ProjectKeys projectKeys, long target, SealedTable table,
        CancellationToken ct)
    {
        var next = projectKeys.For(target);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var rows = await DataKeyRotationStore.UnderOlderKeysAsync(conn, tx, table, projectId, target, BatchSize);
            var resealed = 0;
            foreach (var row in rows)
            {
                var old = projectKeys.For(row.KeyVersion);
                byte[]? Reseal(string field, byte[]? sealedData) => sealedData is null ? null
                    : SecretCrypto.Reseal(old, next, projectId, row.SecretId, row.Version, field, sealedData);
                resealed += await DataKeyRotationStore.ResealAsync(conn, tx, table, row, target,
                    Reseal(table.ValueField, row.EncryptedValue)!, Reseal(SecretCrypto.Comment, row.EncryptedComment),
                    Reseal(SecretCrypto.Metadata, row.EncryptedMetadata));
            }
            // Caches on every instance hold rows as they were; a key that goes away at the end must not be asked for.
            if (rows.Count > 0) await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            return (rows.Count, resealed);
        }, ct);
    }

    private Task FinishAsync(string projectId, string orgId, AuditContext audit, DataKeyRotationResult result, CancellationToken ct) =>
        db.WriteAsync(async (conn, tx) =>
        {
            // Nothing can appear under an older key after the start (writers check theirs is current); this is a guard.
            if (await DataKeyRotationStore.AnyUnderOlderKeysAsync(conn, tx, projectId, result.KeyVersion))
                throw new InvalidOperationException($"Rows of project {projectId} are still sealed under an older data key; the rotation will continue.");
            var retired = await DataKeyRotationStore.DeleteOlderKeysAsync(conn, tx, projectId, result.KeyVersion);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("rotate-data-key", new JsonObject
            {
                ["keyVersion"] = result.KeyVersion,
                ["keysRetired"] = retired,
                ["secretsResealed"] = result.SecretsResealed,
                ["versionsResealed"] = result.VersionsResealed,
                ["kmsKeyVersionsResealed"] = result.KmsKeyVersionsResealed,
                ["dynamicSecretsResealed"] = result.DynamicSecretsResealed,
            }, orgId, projectId), UnixMs.Now(time));
        }, ct);

    private static readonly AuditContext Platform = new("platform", null, new JsonObject(), null, null, "other");

    [LoggerMessage(Level = LogLevel.Information, Message = "Data-key rotation of project {ProjectId}: re-sealing under key version {KeyVersion}")]
    private static partial void LogStarted(ILogger logger, string projectId, long keyVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Data-key rotation of project {ProjectId}: {Count} rows of {Table} re-sealed so far")]
    private static partial void LogProgress(ILogger logger, string projectId, string table, long count);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Data-key rotation of project {ProjectId} finished under key version {KeyVersion}: {Secrets} secrets and {Versions} versions re-sealed")]
    private static partial void LogFinished(ILogger logger, string projectId, long keyVersion, long secrets, long versions);
}
