using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>Every query on the audit trail. Rows are written inside the caller's transaction, so a change and its record land or fail together.</summary>
public static class AuditLogStore
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

    /// <summary>
    /// Rows of the organization matching the query, newest first; with <paramref name="readableProjects"/>, only the
    /// organization's own rows and those of the projects listed.
    /// </summary>
    public static async Task<IReadOnlyList<AuditLogRow>> SearchAsync(DbConnection conn, string orgId, AuditLogQuery q,
        IReadOnlyList<string>? readableProjects)
    {
        var (where, args) = Filter(conn, orgId, q, readableProjects);
        var sql = $"""
            SELECT {RowColumns}
            FROM audit_logs a LEFT JOIN projects p ON p.id = a.project_id
            WHERE {string.Join(" AND ", where)}
            ORDER BY a.created_at DESC, a.id DESC LIMIT @Limit OFFSET @Offset
            """;
        return (await conn.QueryAsync<AuditLogRow>(sql, args)).AsList();
    }

    /// <summary>
    /// The next <paramref name="batch"/> rows matching the query, oldest first, after the row (<paramref name="afterCreatedAt"/>,
    /// <paramref name="afterId"/>) — keyset pages, so an export of millions of rows reads each row once and holds one page.
    /// </summary>
    public static async Task<IReadOnlyList<AuditLogRow>> ExportPageAsync(DbConnection conn, string orgId, AuditLogQuery q,
        IReadOnlyList<string>? readableProjects, long afterCreatedAt, string afterId, int batch)
    {
        var (where, args) = Filter(conn, orgId, q, readableProjects);
        where.Add("(a.created_at > @AfterCreatedAt OR (a.created_at = @AfterCreatedAt AND a.id > @AfterId))");
        args.Add("AfterCreatedAt", afterCreatedAt);
        args.Add("AfterId", afterId);
        args.Add("Batch", batch);
        var sql = $"""
            SELECT {RowColumns}
            FROM audit_logs a LEFT JOIN projects p ON p.id = a.project_id
            WHERE {string.Join(" AND ", where)}
            ORDER BY a.created_at, a.id LIMIT @Batch
            """;
        return (await conn.QueryAsync<AuditLogRow>(sql, args)).AsList();
    }

    private const string RowColumns =
        "a.id, a.org_id, a.project_id, p.name AS project_name, p.slug AS project_slug, a.actor_type, a.actor_metadata, " +
        "a.event_type, a.event_metadata, a.ip_address, a.user_agent, a.user_agent_type, a.created_at";

    private static (List<string> Where, DynamicParameters Args) Filter(DbConnection conn, string orgId, AuditLogQuery q, IReadOnlyList<string>? readableProjects)
    {
        var where = new List<string> { "a.org_id = @orgId" };
        if (readableProjects is not null)
            where.Add(readableProjects.Count == 0
                ? "a.project_id IS NULL"
                : $"(a.project_id IS NULL OR {SqlText.In(conn, "a.project_id", "ReadableProjects")})");
        if (q.ProjectId is not null) where.Add("a.project_id = @ProjectId");
        // One type (the usual search) as a plain equality: PostgreSQL 15 reads (org, event type, time) in order only for
        // that, where "= ANY" made it walk the organization's whole trail backwards (1 s at 10 M rows, bench/scale.sh).
        if (q.EventTypes is { Length: 1 }) where.Add("a.event_type = @EventType");
        else if (q.EventTypes is not null) where.Add(SqlText.In(conn, "a.event_type", "EventTypes"));
        if (q.ActorType is not null) where.Add("a.actor_type = @ActorType");
        if (q.ActorId is not null) where.Add("a.actor_id = @ActorId");
        if (q.UserAgentType is not null) where.Add("a.user_agent_type = @UserAgentType");
        if (q.StartMs is not null) where.Add("a.created_at >= @StartMs");
        if (q.EndMs is not null) where.Add("a.created_at <= @EndMs");
        var args = new DynamicParameters(q);
        args.Add("orgId", orgId);
        if (q.EventTypes is { Length: 1 }) args.Add("EventType", q.EventTypes[0]);
        if (readableProjects is { Count: > 0 }) args.Add("ReadableProjects", readableProjects.ToArray());
        return (where, args);
    }
}

/// <summary>One audit_logs row, the parameters of <see cref="AuditLogStore.InsertSql"/>.</summary>
internal sealed record AuditRow(
    string Id, string? OrgId, string? ProjectId, string ActorType, string? ActorId, string ActorMetadata, string EventType,
    string EventMetadata, string? IpAddress, string? UserAgent, string UserAgentType, long CreatedAt);

/// <summary>An audit row as searches read it, with its project's name and slug.</summary>
public sealed class AuditLogRow
{
    public string Id { get; init; } = "";
    public string? OrgId { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectName { get; init; }
    public string? ProjectSlug { get; init; }
    public string ActorType { get; init; } = "";
    public string ActorMetadata { get; init; } = "{}";
    public string EventType { get; init; } = "";
    public string EventMetadata { get; init; } = "{}";
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public string? UserAgentType { get; init; }
    public long CreatedAt { get; init; }
}
