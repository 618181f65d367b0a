using System.Text.Json.Nodes;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>
/// GET /api/v1/organization/audit-logs: newest first, filtered by project, event type, actor, client and time.
/// Reading an organization's trail needs org <c>audit-logs</c> read; one project's trail, project <c>audit-logs</c> read.
/// </summary>
public static class AuditLogEndpoints
{
    public static void MapAuditLogs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/organization/audit-logs", async (HttpContext http, AuditLogService service) =>
        {
            var rows = await service.SearchAsync(http.GetActor(), Read(http.Request.Query));
            return TypedResults.Ok(new JsonObject { ["auditLogs"] = new JsonArray(rows.Select(r => (JsonNode)AuditLogJson.From(r)).ToArray()) });
        }).RequireActor().WithTags("Audit Logs").WithSummary("Get audit logs");

        // Coffer's own: the same filters (no paging: every row), as JSON lines, oldest first, streamed a page at a time.
        app.MapGet("/api/v1/organization/audit-logs/export", async (HttpContext http, AuditLogService service) =>
        {
            var export = await service.ExportAsync(http.GetActor(), Read(http.Request.Query));
            var response = http.Response;
            response.ContentType = "application/x-ndjson; charset=utf-8";
            response.Headers.ContentDisposition = "attachment; filename=\"audit-logs.jsonl\"";
            response.Headers.CacheControl = "no-store";
            var newline = "\n"u8.ToArray();
            await export(async page =>
            {
                foreach (var row in page)
                {
                    await response.Body.WriteAsync(System.Text.Encoding.UTF8.GetBytes(AuditLogJson.From(row).ToJsonString()), http.RequestAborted);
                    await response.Body.WriteAsync(newline, http.RequestAborted);
                }
                await response.Body.FlushAsync(http.RequestAborted);
            }, http.RequestAborted);
        }).RequireActor().WithTags("Audit Logs").WithSummary("Export audit logs as JSON lines");

        // Coffer's own (Infisical's comes from its licence plan): the organization's default, under project retentions.
        app.MapGet("/api/v1/organization/audit-logs-retention", async (HttpContext http, AuditLogService service) =>
            TypedResults.Ok(await service.OrganizationRetentionAsync(http.GetActor())))
            .RequireActor().WithTags("Audit Logs").WithSummary("Get the organization's audit log retention");

        app.MapPut("/api/v1/organization/audit-logs-retention", async (HttpContext http, AuditLogService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var days = body.Integer("auditLogsRetentionDays", min: 0, max: 36_500, required: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.SetOrganizationRetentionAsync(actor, AuditContext.From(http, actor), days!.Value));
        }).RequireActor().WithTags("Audit Logs").WithSummary("Set the organization's audit log retention");
    }

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
}
