using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>The audit-retention pruner's queries: its claim, the retention each project asks for, and one batch of deletes.</summary>
public static class AuditRetentionStore
{
    /// <summary>
    /// Takes (or renews) the named claim until <paramref name="until"/> when it is free or already ours: one conditional
    /// upsert, so of several instances racing for it exactly one wins.
    /// </summary>
    public static async Task<bool> ClaimAsync(DbConnection conn, DbTransaction tx, string name, string owner, long now, long until) =>
        await conn.ExecuteAsync(
            """
            INSERT INTO background_claims (name, claimed_by, claimed_until) VALUES (@name, @owner, @until)
            ON CONFLICT (name) DO UPDATE SET claimed_by = @owner, claimed_until = @until
            WHERE background_claims.claimed_until <= @now OR background_claims.claimed_by = @owner
            """, new { name, owner, now, until }, tx) == 1;

    public static Task<int> ReleaseAsync(DbConnection conn, DbTransaction tx, string name, string owner) =>
        conn.ExecuteAsync("UPDATE background_claims SET claimed_until = 0 WHERE name = @name AND claimed_by = @owner", new { name, owner }, tx);

    /// <summary>Projects that keep their audit rows a limited number of days.</summary>
    public static async Task<IReadOnlyList<(string ProjectId, long Days)>> ProjectRetentionsAsync(DbConnection conn) =>
        [.. await conn.QueryAsync<(string, long)>("SELECT id, audit_logs_retention_days FROM projects WHERE audit_logs_retention_days > 0")];

    /// <summary>Every organization with its own retention (0 when it has none).</summary>
    public static async Task<IReadOnlyList<(string OrgId, long Days)>> OrganizationRetentionsAsync(DbConnection conn) =>
        [.. await conn.QueryAsync<(string, long)>("SELECT id, audit_logs_retention_days FROM organizations")];

    public static Task<long> OrganizationRetentionAsync(DbConnection conn, string orgId, DbTransaction? tx = null) =>
        conn.ExecuteScalarAsync<long>("SELECT audit_logs_retention_days FROM organizations WHERE id = @orgId", new { orgId }, tx);

    public static Task SetOrganizationRetentionAsync(DbConnection conn, DbTransaction tx, string orgId, long days, long now) =>
        conn.ExecuteAsync("UPDATE organizations SET audit_logs_retention_days = @days, updated_at = @now WHERE id = @orgId", new { orgId, days, now }, tx);

    /// <summary>Deletes at most <paramref name="batch"/> of the project's rows older than <paramref name="cutoff"/> (through the project/time index).</summary>
    public static Task<int> PruneProjectBatchAsync(DbConnection conn, DbTransaction tx, string projectId, long cutoff, int batch) =>
        conn.ExecuteAsync(
            "DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE project_id = @projectId AND created_at < @cutoff LIMIT @batch)",
            new { projectId, cutoff, batch }, tx);

    /// <summary>
    /// Deletes at most <paramref name="batch"/> of the organization's rows older than <paramref name="cutoff"/> that no
    /// project retention governs: organization-level rows, and rows of projects without a retention of their own.
    /// </summary>
    public static Task<int> PruneOrganizationBatchAsync(DbConnection conn, DbTransaction tx, string orgId, long cutoff, int batch) =>
        conn.ExecuteAsync(
            """
            DELETE FROM audit_logs WHERE id IN (
                SELECT a.id FROM audit_logs a LEFT JOIN projects p ON p.id = a.project_id
                WHERE a.org_id = @orgId AND a.created_at < @cutoff AND (p.audit_logs_retention_days IS NULL OR p.audit_logs_retention_days <= 0)
                LIMIT @batch)
            """, new { orgId, cutoff, batch }, tx);
}
