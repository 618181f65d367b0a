using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>The filters of an audit-log search, as the query string gives them.</summary>
public sealed record AuditLogQuery(string? ProjectId, string[]? EventTypes, string? ActorType, string? ActorId,
    string? UserAgentType, long? StartMs, long? EndMs, int Offset, int Limit);

/// <summary>An audit row as Infisical's audit-log routes answer it.</summary>
public static class AuditLogJson
{
    public static JsonObject From(AuditLogRow r)
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
}

/// <summary>
/// An organization's audit retention: its own (<c>auditLogsRetentionDays</c>, 0 for none) and the instance default
/// (AUDIT_LOG_RETENTION_DAYS) that applies without it; 0 keeps rows for ever. A project's own retention governs its rows.
/// </summary>
public sealed record OrganizationRetention(long AuditLogsRetentionDays, long DefaultAuditLogsRetentionDays);
