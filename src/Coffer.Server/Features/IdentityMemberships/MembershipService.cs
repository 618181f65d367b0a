using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Projects;
using Coffer.Server.Features.Roles;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>
/// Identity memberships of a project (spec §9, decisions 11–13): every route family calls this one service, so the
/// rules, the errors and the audit events are the same on every path form.
/// </summary>
public sealed class MembershipService(Db db, PermissionService permissions, TimeProvider time)
{
    private const string CreatePrefix = "Failed to create identity project membership";
    private const string UpdatePrefix = "Failed to update identity project membership";
    private const string DeletePrefix = "Failed to delete identity project membership";

    public async Task<MembershipDto> CreateAsync(Actor actor, AuditContext audit, string projectId, string identityId,
        IReadOnlyList<RoleAssignment> assignments)
    {
        if (assignments.All(a => a.IsTemporary)) throw new BadRequestException("Identity must have at least one permanent role");
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Identity);

        var (identity, roles) = await db.ReadAsync(async conn =>
        {
            var identity = await IdentityStore.FindInOrgAsync(conn, identityId, access.Project.OrgId)
                ?? throw new NotFoundException($"Identity {identityId} is missing organization membership");
            if (identity.ProjectId is not null)
                throw new BadRequestException("Failed to create project membership for a project scoped identity");
            return (identity, await ProjectRoleResolver.ResolveAsync(conn, projectId, assignments.Select(a => a.Role)));
        });
        RequireBoundary(access, roles.Values, CreatePrefix);

        var now = UnixMs.Now(time);
        var membership = new MembershipRow { Id = Ids.New(), ProjectId = projectId, IdentityId = identity.Id, CreatedAt = now, UpdatedAt = now };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (!await ProjectStore.TryInsertMembershipAsync(conn, tx, membership.Id, projectId, identity.Id, null, now)) throw new BadRequestException("Identity is already a member");
            await MembershipStore.InsertRolesAsync(conn, tx, membership.Id, Pair(assignments, roles), now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-identity-project-membership", new JsonObject
            {
                ["identityId"] = identity.Id,
                ["roles"] = RolesJson(assignments),
            }, access.Project.OrgId, projectId), now);
        });
        return MembershipDto.From(membership);
    }

    public async Task<(MembershipDto Membership, IReadOnlyList<MembershipRoleRow> Roles)> UpdateAsync(Actor actor, AuditContext audit,
        string projectId, string identityId, IReadOnlyList<RoleAssignment> assignments)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Identity, SubjectFields.Identity(identityId));

        var (identity, roles) = await db.ReadAsync(async conn =>
        {
            var identity = await IdentityStore.FindInOrgAsync(conn, identityId, access.Project.OrgId) ?? throw NotMember(identityId, projectId);
            if (identity.ProjectId is not null && identity.ProjectId != projectId)
                throw new BadRequestException("Failed to update project membership for a project scoped identity");
            return (identity, await ProjectRoleResolver.ResolveAsync(conn, projectId, assignments.Select(a => a.Role)));
        });
        RequireBoundary(access, roles.Values, UpdatePrefix);
        // Replacing the roles also takes away what the identity holds now (down to no-access): the actor must hold that too.
        access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project, ActorType.Identity, identity.Id), UpdatePrefix);
        if (assignments.All(a => a.IsTemporary)) throw new BadRequestException("Identity must have at least one permanent role");

        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var membership = await MembershipStore.FindAsync(conn, projectId, identity.Id, tx) ?? throw NotMember(identityId, projectId);
            await MembershipStore.DeleteRolesAsync(conn, tx, membership.Id);
            await MembershipStore.InsertRolesAsync(conn, tx, membership.Id, Pair(assignments, roles), now);
            await MembershipStore.TouchAsync(conn, tx, membership.Id, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-identity-project-membership", new JsonObject
            {
                ["identityId"] = identity.Id,
                ["roles"] = RolesJson(assignments),
            }, access.Project.OrgId, projectId), now);
            var rows = (await MembershipStore.RolesAsync(conn, [membership.Id], tx))[membership.Id].ToList();
            var updated = new MembershipRow
            {
                Id = membership.Id,
                ProjectId = membership.ProjectId,
                IdentityId = membership.IdentityId,
                CreatedAt = membership.CreatedAt,
                UpdatedAt = now,
            };
            return (MembershipDto.From(updated), (IReadOnlyList<MembershipRoleRow>)rows);
        });
    }

    /// <summary>
    /// Decision 11: the membership, its roles and the identity's additional privileges go in one transaction with the
    /// audit event, and the security epoch moves so the identity is refused on its very next request, on every instance.
    /// </summary>
    public async Task<MembershipDto> DeleteAsync(Actor actor, AuditContext audit, string projectId, string identityId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Identity, SubjectFields.Identity(identityId));

        var identity = await db.ReadAsync(conn => IdentityStore.FindInOrgAsync(conn, identityId, access.Project.OrgId))
            ?? throw NotMember(identityId, projectId);
        if (identity.ProjectId is not null)
            throw new BadRequestException("Failed to delete project membership for a project scoped identity");
        if (actor.IsIdentity && actor.Id == identity.Id)
            throw new BadRequestException("You can't delete your own membership");
        access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project, ActorType.Identity, identity.Id), DeletePrefix);

        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var membership = await MembershipStore.FindAsync(conn, projectId, identity.Id, tx) ?? throw NotMember(identityId, projectId);
            await MembershipStore.DeleteAsync(conn, tx, membership);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-identity-project-membership",
                new JsonObject { ["identityId"] = identity.Id }, access.Project.OrgId, projectId), now);
            return MembershipDto.From(membership);
        });
    }

    public async Task<MembershipListResponse> ListAsync(Actor actor, string projectId, RouteForm form, int offset, int limit,
        string? search, bool descending, IReadOnlyList<string>? roleSlugs)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity);
        return await db.ReadAsync(async conn =>
        {
            var (rows, total) = await MembershipStore.ListAsync(conn, projectId, offset, limit, search, descending, roleSlugs);
            // Rows the actor may not read are dropped; the total stays unfiltered, as Infisical counts it.
            var visible = rows.Where(r => access.Can(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(r.IdentityId))).ToList();
            var ids = visible.Select(r => r.Id).ToList();
            var roles = await MembershipStore.RolesAsync(conn, ids);
            var methods = await IdentityStore.AuthMethodsForAsync(conn, visible.Select(r => r.IdentityId).ToList());
            var items = visible.Select(r => MembershipJson.Detail(r, roles[r.Id], methods[r.IdentityId].ToList(), form, single: false)).ToList();
            return new MembershipListResponse(items, total);
        });
    }

    public async Task<JsonObject> GetAsync(Actor actor, string projectId, string identityId, RouteForm form)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(identityId));
        return await db.ReadAsync(async conn =>
        {
            var row = await MembershipStore.FindDetailAsync(conn, projectId, identityId)
                ?? throw (form == RouteForm.Memberships
                    ? new NotFoundException("Identity membership not found")
                    : new NotFoundException($"Project membership for identity with ID '{identityId} in project with ID '{projectId}' not found"));
            return await DetailAsync(conn, row, form);
        });
    }

    public async Task<JsonObject> GetByIdAsync(Actor actor, string membershipId, RouteForm form)
    {
        var row = await db.ReadAsync(conn => MembershipStore.FindDetailByIdAsync(conn, actor.OrgId, membershipId))
            ?? throw new NotFoundException($"Project membership with ID '{membershipId}' not found");
        var access = await permissions.ForProjectAsync(actor, row.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(row.IdentityId));
        return await db.ReadAsync(conn => DetailAsync(conn, row, form));
    }

    private static async Task<JsonObject> DetailAsync(System.Data.Common.DbConnection conn, MembershipDetailRow row, RouteForm form)
    {
        var roles = await MembershipStore.RolesAsync(conn, [row.Id]);
        var methods = await IdentityStore.AuthMethodsAsync(conn, row.IdentityId);
        var metadata = form == RouteForm.Memberships
            ? (await IdentityStore.ListMetadataAsync(conn, row.IdentityId)).Select(m => (m.Id, m.Key, m.Value)).ToList()
            : null;
        return MembershipJson.Detail(row, roles[row.Id], methods, form, single: true, metadata);
    }

    private static void RequireBoundary(ProjectAccess access, IEnumerable<ResolvedRole> roles, string prefix)
    {
        // Granting no-access grants nothing, so it needs no privilege (Infisical checks it too, by a name comparison slip).
        foreach (var role in roles)
            if (!role.IsNoAccess)
                access.RequireCanGrant(ProjectSubject.Identity, prefix, PermissionSet.FromRules(role.Rules));
    }

    private static List<(RoleAssignment, ResolvedRole)> Pair(IReadOnlyList<RoleAssignment> assignments, IReadOnlyDictionary<string, ResolvedRole> roles) =>
        assignments.Select(a => (a, roles[a.Role])).ToList();

    private static JsonArray RolesJson(IEnumerable<RoleAssignment> assignments) =>
        new(assignments.Select(a => (JsonNode)a.ToJson()).ToArray());

    private static NotFoundException NotMember(string identityId, string projectId) =>
        new($"Identity with ID '{identityId}' is not a member of project with ID '{projectId}'");
}
