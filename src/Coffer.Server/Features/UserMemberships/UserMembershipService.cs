using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Features.Invitations;
using Coffer.Server.Features.Projects;
using Coffer.Server.Features.Roles;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.UserMemberships;

/// <summary>
/// Users' project memberships (the Node SDK's <c>projects().inviteMembers</c>, Terraform's <c>infisical_project_user</c>),
/// with the same rules as identity memberships: <c>member</c> permissions in the project, roles that exist in it, and the
/// privilege boundary on every grant, change and removal. Someone not yet in the organization is invited into it first
/// (role <c>no-access</c>, as Infisical), which needs the organization's <c>create</c> on <c>member</c> too.
/// </summary>
public sealed class UserMembershipService(Db db, PermissionService permissions, InvitationService invitations, TimeProvider time)
{
    private const string CreatePrefix = "Failed to create user project membership";
    private const string UpdatePrefix = "Failed to update user project membership";
    private const string DeletePrefix = "Failed to delete user project membership";

    public async Task<IReadOnlyList<UserMembershipDto>> AddAsync(Actor actor, AuditContext audit, string projectId, IReadOnlyList<string> names,
        IReadOnlyList<string> roleSlugs)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Member);
        if (names.Count == 0) throw new BadRequestException("Provide at least one email or username");
        var roles = await db.ReadAsync(conn => ProjectRoleResolver.ResolveAsync(conn, projectId, roleSlugs));
        RequireCanGrant(access, roles.Values, CreatePrefix);
        await invitations.InviteAsync(actor, audit, access.Project.OrgId, names, OrgRoleSlugs.NoAccess);
        var users = await db.ReadAsync(conn => UsersAsync(conn, access.Project.OrgId, names));

        var assignments = roleSlugs.Select(r => (new RoleAssignment(r, false), roles[r])).ToList();
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var created = new List<UserMembershipDto>(users.Count);
            foreach (var user in users)
            {
                var id = Ids.New();
                // Someone already in the project is left as they are and not listed, as Infisical answers (Terraform then
                // finds the membership by username).
                if (!await ProjectStore.TryInsertMembershipAsync(conn, tx, id, projectId, null, user.UserId, now)) continue;
                await MembershipStore.InsertRolesAsync(conn, tx, id, assignments, now);
                created.Add(new UserMembershipDto(id, user.UserId, projectId, UnixMs.ToUtc(now), UnixMs.ToUtc(now)));
            }
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("add-batch-project-member", new JsonObject
            {
                ["members"] = new JsonArray([.. created.Select(m => (JsonNode)new JsonObject { ["userId"] = m.UserId, ["membershipId"] = m.Id })]),
            }, access.Project.OrgId, projectId), now);
            return created;
        });
    }

    public async Task<JsonArray> ListAsync(Actor actor, string projectId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Member);
        return await db.ReadAsync(async conn =>
        {
            var rows = await UserMembershipStore.ListAsync(conn, projectId);
            var roles = await MembershipStore.RolesAsync(conn, [.. rows.Select(r => r.Id)]);
            return new JsonArray([.. rows.Select(r => (JsonNode)Detail(r, roles[r.Id], withUsername: true, withCreatedAt: true))]);
        });
    }

    public async Task<JsonObject> GetAsync(Actor actor, string projectId, string membershipId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Member);
        return await db.ReadAsync(async conn =>
        {
            var row = await UserMembershipStore.FindByIdAsync(conn, projectId, membershipId) ?? throw NotFound(membershipId);
            return Detail(row, (await MembershipStore.RolesAsync(conn, [row.Id]))[row.Id], withUsername: true, withCreatedAt: true);
        });
    }

    /// <summary>Terraform's data source and import read a user's membership by user id.</summary>
    public async Task<JsonObject> GetByUserIdAsync(Actor actor, string projectId, string userId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Member);
        return await db.ReadAsync(async conn =>
        {
            var rows = await UserMembershipStore.FindByUsersAsync(conn, projectId, [userId]);
            var row = rows.Count > 0 ? rows[0] : throw new NotFoundException($"Project membership for user with ID '{userId}' not found");
            return Detail(row, (await MembershipStore.RolesAsync(conn, [row.Id]))[row.Id], withUsername: true, withCreatedAt: true);
        });
    }

    /// <summary>Terraform reads a user's membership by username (Infisical's details route).</summary>
    public async Task<JsonObject> GetByUsernameAsync(Actor actor, string projectId, string username)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Member);
        return await db.ReadAsync(async conn =>
        {
            var row = await UserMembershipStore.FindByUsernameAsync(conn, projectId, username.ToLowerInvariant())
                ?? throw new NotFoundException($"Project membership for user with username '{username}' not found");
            return Detail(row, (await MembershipStore.RolesAsync(conn, [row.Id]))[row.Id], withUsername: false, withCreatedAt: false);
        });
    }

    public async Task<IReadOnlyList<MembershipRoleRow>> UpdateRolesAsync(Actor actor, AuditContext audit, string projectId, string membershipId,
        IReadOnlyList<RoleAssignment> assignments)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Member);
        var (membership, roles) = await db.ReadAsync(async conn =>
            (await UserMembershipStore.FindByIdAsync(conn, projectId, membershipId) ?? throw NotFound(membershipId),
             await ProjectRoleResolver.ResolveAsync(conn, projectId, assignments.Select(a => a.Role))));
        RequireCanGrant(access, roles.Values, UpdatePrefix);
        // Replacing the roles takes away what the user holds now: the actor must hold that too.
        access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project, ActorType.User, membership.UserId), UpdatePrefix);

        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            _ = await UserMembershipStore.FindByIdAsync(conn, projectId, membershipId, tx) ?? throw NotFound(membershipId);
            await MembershipStore.DeleteRolesAsync(conn, tx, membershipId);
            await MembershipStore.InsertRolesAsync(conn, tx, membershipId, [.. assignments.Select(a => (a, roles[a.Role]))], now);
            await MembershipStore.TouchAsync(conn, tx, membershipId, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-user-project-membership", new JsonObject
            {
                ["userId"] = membership.UserId,
                ["roles"] = new JsonArray([.. assignments.Select(a => (JsonNode)a.ToJson())]),
            }, access.Project.OrgId, projectId), now);
            return (IReadOnlyList<MembershipRoleRow>)[.. (await MembershipStore.RolesAsync(conn, [membershipId], tx))[membershipId]];
        });
    }

    public async Task<UserMembershipDto> DeleteAsync(Actor actor, AuditContext audit, string projectId, string membershipId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Member);
        var membership = await db.ReadAsync(conn => UserMembershipStore.FindByIdAsync(conn, projectId, membershipId)) ?? throw NotFound(membershipId);
        return (await RemoveAsync(actor, audit, access, [membership]))[0];
    }

    public async Task<IReadOnlyList<UserMembershipDto>> DeleteByNamesAsync(Actor actor, AuditContext audit, string projectId, IReadOnlyList<string> names)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Member);
        if (names.Count == 0) throw new BadRequestException("Provide at least one email or username");
        var memberships = await db.ReadAsync(async conn =>
        {
            var users = await UsersAsync(conn, access.Project.OrgId, names);
            var found = await UserMembershipStore.FindByUsersAsync(conn, projectId, [.. users.Select(u => u.UserId)]);
            var outside = users.Where(u => found.All(m => m.UserId != u.UserId)).Select(u => u.Username).ToList();
            if (outside.Count > 0) throw new BadRequestException($"Users are not members of the project: {string.Join(", ", outside)}");
            return found;
        });
        return await RemoveAsync(actor, audit, access, memberships);
    }

    private async Task<IReadOnlyList<UserMembershipDto>> RemoveAsync(Actor actor, AuditContext audit, ProjectAccess access,
        IReadOnlyList<UserMembershipRow> memberships)
    {
        foreach (var membership in memberships)
        {
            if (actor.Type == ActorType.User && actor.Id == membership.UserId) throw new BadRequestException("You can't delete your own membership");
            access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project, ActorType.User, membership.UserId), DeletePrefix);
        }
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            foreach (var membership in memberships)
            {
                await UserMembershipStore.DeleteAsync(conn, tx, membership.Id);
                await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("remove-project-member",
                    new JsonObject { ["userId"] = membership.UserId }, access.Project.OrgId, access.Project.Id), now);
            }
            await SecurityEpoch.BumpAsync(conn, tx);
        });
        return [.. memberships.Select(UserMembershipDto.From)];
    }

    /// <summary>The organization's users by email or username; a name that is not one of them (removed meanwhile) is refused.</summary>
    private static async Task<IReadOnlyList<OrgUserRow>> UsersAsync(DbConnection conn, string orgId, IReadOnlyList<string> names)
    {
        var wanted = names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var users = await UserMembershipStore.FindOrgUsersAsync(conn, orgId, wanted);
        var missing = wanted.Where(n => !users.Any(u => string.Equals(u.Email, n, StringComparison.OrdinalIgnoreCase)
            || string.Equals(u.Username, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0) throw new BadRequestException($"Users are not part of the organization: {string.Join(", ", missing)}");
        return users;
    }

    private static void RequireCanGrant(ProjectAccess access, IEnumerable<ResolvedRole> roles, string prefix)
    {
        foreach (var role in roles)
            if (!role.IsNoAccess)
                access.RequireCanGrant(ProjectSubject.Member, prefix, PermissionSet.FromRules(role.Rules));
    }

    private static NotFoundException NotFound(string membershipId) => new($"Project membership with ID '{membershipId}' not found");

    private static JsonObject Detail(UserMembershipRow r, IEnumerable<MembershipRoleRow> roles, bool withUsername, bool withCreatedAt)
    {
        var user = new JsonObject
        {
            ["email"] = r.Email,
            ["firstName"] = r.FirstName,
            ["lastName"] = r.LastName,
            ["id"] = r.UserId,
        };
        if (withUsername) user["username"] = r.Username;
        user["publicKey"] = null;
        var o = new JsonObject { ["id"] = r.Id, ["userId"] = r.UserId, ["projectId"] = r.ProjectId };
        if (withCreatedAt) o["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt));
        o["user"] = user;
        o["roles"] = new JsonArray([.. roles.Select(x => (JsonNode)MembershipJson.Role(x))]);
        return o;
    }
}
