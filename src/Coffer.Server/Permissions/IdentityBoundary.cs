using Coffer.Server.Data;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Permissions;

/// <summary>
/// The privilege boundary for changing a machine identity — its name, metadata, role or delete protection, its auth
/// methods and their settings, its credentials and tokens, or deleting it. A credential minted for an identity, a
/// trusted-IP range set on it, its lockouts cleared or it deleted all act with or against everything it may do, so the
/// actor must hold every permission the identity holds now, in the organization and in every project it belongs to
/// (an organization admin may enter any project, so only the organization level is compared for one). A change of
/// name or metadata also changes what the identity's templated rules grant, so those are compared as they would render
/// afterwards, for the identity itself too. The instance admin identities made at bootstrap change only by their own
/// hand or a server administrator's. Every route that writes an identity or its auth methods calls this one place.
/// </summary>
public sealed class IdentityBoundary(Db db, PermissionService permissions, TimeProvider time)
{
    /// <param name="operation">The refusal's message prefix, e.g. "Failed to update identity".</param>
    /// <param name="nameAfter">The identity's name after the change, when it changes.</param>
    /// <param name="metadataAfter">The identity's metadata after the change, when it changes.</param>
    public async Task RequireCanChangeAsync(Actor actor, string orgId, string identityId, string operation,
        string? nameAfter = null, IReadOnlyList<(string Key, string Value)>? metadataAfter = null)
    {
        var self = actor.IsIdentity && string.Equals(actor.Id, identityId, StringComparison.Ordinal);
        var rerenders = nameAfter is not null || metadataAfter is not null;
        if (self && !rerenders) return;

        var actorOrg = await permissions.ForOrgAsync(actor, orgId);
        var now = UnixMs.Now(time);
        var targets = await db.ReadAsync(async conn =>
        {
            if (!self && !await InstanceAdmins.IsServerAdminAsync(conn, actor) && await InstanceAdmins.IsAdminIdentityAsync(conn, identityId))
                throw new PermissionBoundaryException($"{operation}. The instance admin identity can only be changed by itself or a server administrator",
                    null);
            var name = await conn.ExecuteScalarAsync<string>("SELECT name FROM identities WHERE id = @identityId", new { identityId }) ?? "";
            var target = new Actor(ActorType.Identity, identityId, orgId, name, "");
            var org = (await PermissionService.FindOrgMembershipAsync(conn, orgId, identity: true, identityId))?.Permissions() ?? PermissionSet.Build([]);

            var metadata = metadataAfter?.GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Last().Value)
                ?? await ProjectPermissionLoader.MetadataAsync(conn, target);
            // An identity renaming itself also changes what its own token renders for identity.auth.identityName.
            var after = new ActorTemplateContext(identityId, nameAfter ?? name)
            {
                Metadata = metadata,
                AuthInfo = self && actor.AuthInfo is { } own && nameAfter is not null
                    ? new Dictionary<string, string>(own, StringComparer.Ordinal) { ["identityName"] = nameAfter }
                    : self ? actor.AuthInfo : null,
            };
            var projects = new List<(string ProjectId, PermissionSet Permissions)>();
            foreach (var projectId in await ProjectRecords.ProjectIdsOfMemberAsync(conn, identity: true, identityId))
            {
                var project = await ProjectRecords.FindAsync(conn, projectId);
                if (project is null) continue;
                if (!self) projects.Add((projectId, (await ProjectPermissionLoader.LoadAsync(conn, project, target, now)).Permissions));
                if (rerenders) projects.Add((projectId, (await ProjectPermissionLoader.LoadAsync(conn, project, target, now, after)).Permissions));
            }
            return (org, projects);
        });

        if (!self) PrivilegeBoundary.RequireSuperset(actorOrg.Permissions, targets.org, operation);
        await RequireProjectsAsync(actor, actorOrg, targets.projects, operation);
    }

    /// <summary>
    /// The same boundary for a person: changing a user's organization role, deactivating them or removing them acts
    /// against everything they may do, in the organization and in each of its projects they belong to. A server
    /// administrator is changed only by a server administrator. Changing one's own membership is refused by the caller.
    /// </summary>
    public async Task RequireCanChangeUserAsync(Actor actor, string orgId, string userId, string operation)
    {
        var actorOrg = await permissions.ForOrgAsync(actor, orgId);
        var now = UnixMs.Now(time);
        var targets = await db.ReadAsync(async conn =>
        {
            var user = await conn.QuerySingleOrDefaultAsync<(string Username, bool SuperAdmin)>(
                "SELECT username, super_admin FROM users WHERE id = @userId", new { userId });
            if (user.SuperAdmin && !await InstanceAdmins.IsServerAdminAsync(conn, actor))
                throw new PermissionBoundaryException($"{operation}. A server administrator can only be changed by a server administrator", null);
            var target = new Actor(ActorType.User, userId, orgId, user.Username ?? "", "");
            var org = (await PermissionService.FindOrgMembershipAsync(conn, orgId, identity: false, userId))?.Permissions() ?? PermissionSet.Build([]);
            var projects = new List<(string ProjectId, PermissionSet Permissions)>();
            foreach (var projectId in await ProjectRecords.ProjectIdsOfMemberAsync(conn, identity: false, userId))
            {
                if (await ProjectRecords.FindAsync(conn, projectId) is { } project && project.OrgId == orgId)
                    projects.Add((projectId, (await ProjectPermissionLoader.LoadAsync(conn, project, target, now)).Permissions));
            }
            return (org, projects);
        });
        PrivilegeBoundary.RequireSuperset(actorOrg.Permissions, targets.org, operation);
        await RequireProjectsAsync(actor, actorOrg, targets.projects, operation);
    }

    /// <summary>An organization admin may enter any project, so only the organization level is compared for one.</summary>
    private async Task RequireProjectsAsync(Actor actor, OrgAccess actorOrg, IEnumerable<(string ProjectId, PermissionSet Permissions)> targets,
        string operation)
    {
        if (actorOrg.IsAdmin) return;
        foreach (var (projectId, target) in targets)
            PrivilegeBoundary.RequireSuperset(await ActorInProjectAsync(actor, projectId), target, operation);
    }

    private async Task<PermissionSet> ActorInProjectAsync(Actor actor, string projectId)
    {
        try
        {
            return (await permissions.ForProjectAsync(actor, projectId)).Permissions;
        }
        catch (ForbiddenException)
        {
            // Not a member: it holds nothing there.
            return PermissionSet.Build([]);
        }
    }
}
