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
    /// Writes many rows with one command whose parameters are reused, so the statement is parsed once per batch rather
    /// than once per row (the read-audit batcher writes one row per secret read).
    /// </summary>
    internal static async Task WriteManyAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<AuditRow> rows)
    {
        if (conn is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            SqliteAuditInsert.WriteMany(sqlite, rows);
            return;
        }
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertSql;
        var p = new DbParameter[AuditRow.ParameterNames.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = cmd.CreateParameter();
            p[i].ParameterName = AuditRow.ParameterNames[i];
            cmd.Parameters.Add(p[i]);
        }
        foreach (var r in rows)
        {
            p[0].Value = r.Id;
            p[1].Value = (object?)r.OrgId ?? DBNull.Value;
            p[2].Value = (object?)r.ProjectId ?? DBNull.Value;
            p[3].Value = r.ActorType;
            p[4].Value = (object?)r.ActorId ?? DBNull.Value;
            p[5].Value = r.ActorMetadata;
            p[6].Value = r.EventType;
            p[7].Value = r.EventMetadata;
            p[8].Value = (object?)r.IpAddress ?? DBNull.Value;
            p[9].Value = (object?)r.UserAgent ?? DBNull.Value;
            p[10].Value = r.UserAgentType;
            p[11].Value = r.CreatedAt;
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>One audit_logs row, in <see cref="AuditLog.InsertSql"/>'s parameter order.</summary>
internal sealed record AuditRow(
    string Id, string? OrgId, string? ProjectId, string ActorType, string? ActorId, string ActorMetadata, string EventType,
    string EventMetadata, string? IpAddress, string? UserAgent, string UserAgentType, long CreatedAt)
{
    internal static readonly string[] ParameterNames =
    [
        "@Id", "@OrgId", "@ProjectId", "@ActorType", "@ActorId", "@ActorMetadata", "@EventType", "@EventMetadata",
        "@IpAddress", "@UserAgent", "@UserAgentType", "@CreatedAt",
    ];
}
