using System.Text.Json.Nodes;
using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.AuditLogs;

/// <summary>
/// Searches an organization's audit trail, newest first. Reading an organization's trail needs org <c>audit-logs</c>
/// read; one project's trail, project <c>audit-logs</c> read.
/// </summary>
public sealed class AuditLogService(Db db, PermissionService permissions, AuditBatcher batcher, CofferOptions options, TimeProvider time)
{
    /// <summary>The caller's organization's own retention (0: none) and the instance default that applies without one.</summary>
    public async Task<OrganizationRetention> OrganizationRetentionAsync(Actor actor)
    {
        (await permissions.ForOrgAsync(actor, actor.OrgId)).Require(PermissionAction.Read, OrgSubject.Settings);
        return new OrganizationRetention(await db.ReadAsync(conn => AuditRetentionStore.OrganizationRetentionAsync(conn, actor.OrgId)),
            options.AuditLogRetentionDays);
    }

    /// <summary>
    /// Sets how many days the organization keeps audit rows no project retention governs (0: the instance default).
    /// Shortening it deletes history, so it takes the organization's settings edit permission.
    /// </summary>
    public async Task<OrganizationRetention> SetOrganizationRetentionAsync(Actor actor, AuditContext audit, long days)
    {
        (await permissions.ForOrgAsync(actor, actor.OrgId)).Require(PermissionAction.Edit, OrgSubject.Settings);
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await AuditRetentionStore.SetOrganizationRetentionAsync(conn, tx, actor.OrgId, days, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-org", new JsonObject { ["auditLogsRetentionDays"] = days }, actor.OrgId), now);
        });
        return new OrganizationRetention(days, options.AuditLogRetentionDays);
    }

    public async Task<IReadOnlyList<AuditLogRow>> SearchAsync(Actor actor, AuditLogQuery query)
    {
        var readableProjects = await AuthorizeAsync(actor, query);
        return await db.ReadAsync(conn => AuditLogStore.SearchAsync(conn, actor.OrgId, query, readableProjects));
    }

    /// <summary>
    /// Every row the query matches, oldest first, handed to <paramref name="write"/> a page at a time: memory stays one
    /// page whatever the range. The permission checks are the search's, made before the first row is read.
    /// </summary>
    public async Task<Func<Func<IReadOnlyList<AuditLogRow>, Task>, CancellationToken, Task<long>>> ExportAsync(Actor actor, AuditLogQuery query)
    {
        var readableProjects = await AuthorizeAsync(actor, query);
        return async (write, ct) =>
        {
            const int Page = 1000;
            long count = 0;
            var (afterCreatedAt, afterId) = (long.MinValue, "");
            while (true)
            {
                var page = await db.ReadAsync(conn => AuditLogStore.ExportPageAsync(conn, actor.OrgId, query, readableProjects, afterCreatedAt, afterId, Page), ct);
                if (page.Count == 0) return count;
                await write(page);
                count += page.Count;
                if (page.Count < Page) return count;
                (afterCreatedAt, afterId) = (page[^1].CreatedAt, page[^1].Id);
            }
        };
    }

    private async Task<IReadOnlyList<string>?> AuthorizeAsync(Actor actor, AuditLogQuery query)
    {
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
            if (!org.IsAdmin) readableProjects = await ReadableProjectsAsync(actor);
        }

        // Read events are batched; make what happened before this request visible to it.
        await batcher.FlushAsync();
        return readableProjects;
    }

    private async Task<IReadOnlyList<string>> ReadableProjectsAsync(Actor actor)
    {
        var memberOf = await db.ReadAsync(conn => ProjectRecords.ProjectIdsOfMemberAsync(conn, actor.IsIdentity, actor.Id));
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
}
