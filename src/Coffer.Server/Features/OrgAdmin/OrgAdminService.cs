using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.OrgAdmin;

/// <summary>
/// The way back into a project for an organization admin (Infisical's <c>grant-admin-access</c>): whoever holds
/// <c>access-all-projects</c> on the admin console makes itself a permanent project admin, audited as
/// <c>org-admin-accessed-project</c>. The privilege boundary means nobody below a project's admin can demote or remove
/// it, so this is how a project whose admins are all gone, or were demoted before the boundary existed, is repaired.
/// </summary>
public sealed class OrgAdminService(Db db, PermissionService permissions, TimeProvider time)
{
    public async Task<RecoveredMembership> GrantAdminAccessAsync(Actor actor, AuditContext audit, string projectId)
    {
        var access = await permissions.ForOrgAsync(actor, actor.OrgId);
        access.Require("access-all-projects", OrgSubject.AdminConsole);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var project = await ProjectRecords.FindAsync(conn, projectId, tx);
            if (project is null || !string.Equals(project.OrgId, actor.OrgId, StringComparison.Ordinal))
                throw new NotFoundException($"Project with ID '{projectId}' not found");
            var membership = await ProjectStore.FindMembershipAsync(conn, tx, projectId, actor.IsIdentity, actor.Id);
            var (id, createdAt) = membership ?? (Ids.New(), now);
            if (membership is null)
                await ProjectStore.TryInsertMembershipAsync(conn, tx, id, projectId, actor.IsIdentity ? actor.Id : null, actor.IsIdentity ? null : actor.Id, now);
            var isAdmin = await ProjectStore.HasPermanentRoleAsync(conn, tx, id, ProjectRoles.Admin);
            if (!isAdmin) await ProjectStore.InsertPermanentRoleAsync(conn, tx, id, ProjectRoles.Admin, null, now);
            await MembershipStore.TouchAsync(conn, tx, id, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("org-admin-accessed-project", new JsonObject
            {
                ["projectId"] = projectId,
                ["wasMember"] = membership is not null,
                ["wasAdmin"] = isAdmin,
            }, project.OrgId, projectId), now);
            return new RecoveredMembership(id, projectId, actor.IsIdentity ? actor.Id : null, actor.IsIdentity ? null : actor.Id,
                UnixMs.ToUtc(createdAt), UnixMs.ToUtc(now));
        });
    }
}
