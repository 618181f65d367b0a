using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;
using Dapper;

namespace Coffer.Server.Features.AuditLogs;

public sealed record AuditLogQuery(string? ProjectId, string[]? EventTypes, string? ActorType, string? ActorId,
    string? UserAgentType, long? StartMs, long? EndMs, int Offset, int Limit);

/// <summary>
/// GET /api/v1/organization/audit-logs: newest first, filtered by project, event type, actor, client and time.
/// Reading an organization's trail needs org <c>audit-logs</c> read; one project's trail, project <c>audit-logs</c> read.
/// </summary>
public static class AuditLogEndpoints
{
    public static void MapAuditLogs(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/organization/audit-logs", async (HttpContext http, Db db, PermissionService permissions, AuditBatcher batcher) =>
        {
            var query = Read(http.Request.Query);
            var actor = http.GetActor();
            IReadOnlyList<string>? readableProjects = null;
            if (query.ProjectId is not null)
            {
                (await permissions.ForProjectAsync(actor, query.ProjectId)).Require(PermissionAction.Read, ProjectSubject.AuditLogs);
            }
            else
            {
                var org = await permissions.ForOrgAsync(actor, actor.OrgId);
                org.Require(PermissionAction.Read, OrgSubject.AuditLogs);
                // Without a project filter an org admin reads everything; anyone else reads the organization's own events
                // and those of the projects whose audit logs it may read, whatever other filters it sends.
                if (!org.IsAdmin) readableProjects = await ReadableProjectsAsync(db, permissions, actor);
            }

            // Read events are batched; make what happened before this request visible to it.
            await batcher.FlushAsync();
            var rows = await db.ReadAsync(conn => QueryAsync(conn, actor.OrgId, query, readableProjects));
            return TypedResults.Ok(new JsonObject { ["auditLogs"] = new JsonArray(rows.Select(r => (JsonNode)ToJson(r)).ToArray()) });
        }).RequireActor().WithTags("Audit Logs").WithSummary("Get audit logs");

    private static AuditLogQuery Read(IQueryCollection q)
    {
        var input = Input.ForQuery(q);
        var projectId = input.String("projectId", required: false, trim: true);
        var actorType = input.Enum("actorType", ["user", "identity", "service", "platform", "unknownUser"]);
        var actor = input.String("actor", required: false, trim: true);
        var userAgentType = input.String("userAgentType", required: false, trim: true);
        var start = ReadDate(input, "startDate");
        var end = ReadDate(input, "endDate");
        var offset = input.Integer("offset", min: 0, fallback: 0);
        var limit = input.Integer("limit", min: 1, max: 1000, fallback: 20);
        input.ThrowIfInvalid();
        var eventTypes = q["eventType"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        // Infisical's actor filter is "<type>:<id>" or a bare id.
        string? actorId = actor;
        if (actor is not null && actor.Contains(':', StringComparison.Ordinal))
        {
            actorType ??= actor[..actor.IndexOf(':', StringComparison.Ordinal)];
            actorId = actor[(actor.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        return new AuditLogQuery(projectId, eventTypes.Count > 0 ? [.. eventTypes] : null, actorType, actorId, userAgentType, start, end,
            (int)offset!, (int)limit!);
    }

    private static long? ReadDate(Input input, string name)
    {
        var text = input.String(name, required: false, trim: true);
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d))
            return d.ToUnixTimeMilliseconds();
        input.AddIssue(new ValidationIssue("invalid_string", input.PathOf(name), "Invalid datetime") { Extra = new JsonObject { ["validation"] = "datetime" } });
        return null;
    }

    private static async Task<IReadOnlyList<string>> ReadableProjectsAsync(Db db, PermissionService permissions, Actor actor)
    {
        var memberOf = await db.ReadAsync(conn => conn.QueryAsync<string>(
            $"SELECT DISTINCT project_id FROM project_memberships WHERE {(actor.IsIdentity ? "identity_id" : "user_id")} = @id", new { id = actor.Id }));
        var readable = new List<string>();
        foreach (var projectId in memberOf)
        {
            try
            {
                if ((await permissions.ForProjectAsync(actor, projectId)).Can(PermissionAction.Read, ProjectSubject.AuditLogs)) readable.Add(projectId);
            }
            catch (ApiException)
            {
                // A project of another organization, or a membership without an active role: nothing to read there.
            }
        }
        return readable;
    }

    private static async Task<IReadOnlyList<Row>> QueryAsync(System.Data.Common.DbConnection conn, string orgId, AuditLogQuery q,
        IReadOnlyList<string>? readableProjects)
    {
        var where = new List<string> { "a.org_id = @orgId" };
        if (readableProjects is not null)
            where.Add(readableProjects.Count == 0
                ? "a.project_id IS NULL"
                : $"(a.project_id IS NULL OR {SqlText.In(conn, "a.project_id", "ReadableProjects")})");
        if (q.ProjectId is not null) where.Add("a.project_id = @ProjectId");
        if (q.EventTypes is not null) where.Add(SqlText.In(conn, "a.event_type", "EventTypes"));
        if (q.ActorType is not null) where.Add("a.actor_type = @ActorType");
        if (q.ActorId is not null) where.Add("a.actor_id = @ActorId");
        if (q.UserAgentType is not null) where.Add("a.user_agent_type = @UserAgentType");
        if (q.StartMs is not null) where.Add("a.created_at >= @StartMs");
        if (q.EndMs is not null) where.Add("a.created_at <= @EndMs");
        var sql = $"""
            SELECT a.id, a.org_id, a.project_id, p.name AS project_name, p.slug AS project_slug, a.actor_type, a.actor_metadata,
                   a.event_type, a.event_metadata, a.ip_address, a.user_agent, a.user_agent_type, a.created_at
            FROM audit_logs a LEFT JOIN projects p ON p.id = a.project_id
            WHERE {string.Join(" AND ", where)}
            ORDER BY a.created_at DESC, a.id DESC LIMIT @Limit OFFSET @Offset
            """;
        var args = new DynamicParameters(q);
        args.Add("orgId", orgId);
        if (readableProjects is { Count: > 0 }) args.Add("ReadableProjects", readableProjects.ToArray());
        return (await conn.QueryAsync<Row>(sql, args)).AsList();
    }

    private static JsonObject ToJson(Row r)
    {
        var time = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt));
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["ipAddress"] = r.IpAddress,
            ["userAgent"] = r.UserAgent,
            ["userAgentType"] = r.UserAgentType,
            ["expiresAt"] = null,
            ["createdAt"] = time,
            ["updatedAt"] = time,
            ["orgId"] = r.OrgId,
            ["projectId"] = r.ProjectId,
            ["projectName"] = r.ProjectName,
            ["event"] = new JsonObject { ["type"] = r.EventType, ["metadata"] = JsonNode.Parse(r.EventMetadata) },
            ["actor"] = new JsonObject { ["type"] = r.ActorType, ["metadata"] = JsonNode.Parse(r.ActorMetadata) },
        };
        if (r.ProjectName is not null) o["project"] = new JsonObject { ["name"] = r.ProjectName, ["slug"] = r.ProjectSlug };
        return o;
    }

    private sealed class Row
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
}
