using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>Writes audit rows inside the caller's transaction, so a change and its record land or fail together.</summary>
public static class AuditLog
{
    internal const string InsertSql =
        """
        INSERT INTO audit_logs (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, event_metadata,
                                ip_address, user_agent, user_agent_type, created_at)
        VALUES (@Id, @OrgId, @ProjectId, @ActorType, @ActorId, @ActorMetadata, @EventType, @EventMetadata,
                @IpAddress, @UserAgent, @UserAgentType, @CreatedAt)
        """;

    public static Task WriteAsync(DbConnection conn, DbTransaction tx, AuditContext ctx, AuditEvent e, long nowMs) =>
        conn.ExecuteAsync(InsertSql, ToRow(ctx, e, nowMs), tx);

    internal static AuditRow ToRow(AuditContext ctx, AuditEvent e, long nowMs) => new(
        Ids.New(), e.OrgId, e.ProjectId, ctx.ActorType, ctx.ActorId, ctx.ActorMetadata.ToJsonString(), e.Type,
        e.Metadata.ToJsonString(), ctx.IpAddress, ctx.UserAgent, ctx.UserAgentType, nowMs);

    /// <summary>
    /// Writes many rows (the read-audit batcher's), one execution per row of the same statement: Dapper reuses its
    /// command, and on SQLite the writer's connection keeps the statement compiled.
    /// </summary>
    internal static Task WriteManyAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<AuditRow> rows) =>
        conn.ExecuteAsync(InsertSql, rows, tx);
}

/// <summary>One audit_logs row, the parameters of <see cref="AuditLog.InsertSql"/>.</summary>
internal sealed record AuditRow(
    string Id, string? OrgId, string? ProjectId, string ActorType, string? ActorId, string ActorMetadata, string EventType,
    string EventMetadata, string? IpAddress, string? UserAgent, string UserAgentType, long CreatedAt);
