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

    internal static object ToRow(AuditContext ctx, AuditEvent e, long nowMs) => new
    {
        Id = Ids.New(),
        e.OrgId,
        e.ProjectId,
        ctx.ActorType,
        ctx.ActorId,
        ActorMetadata = ctx.ActorMetadata.ToJsonString(),
        EventType = e.Type,
        EventMetadata = e.Metadata.ToJsonString(),
        ctx.IpAddress,
        ctx.UserAgent,
        ctx.UserAgentType,
        CreatedAt = nowMs,
    };
}
