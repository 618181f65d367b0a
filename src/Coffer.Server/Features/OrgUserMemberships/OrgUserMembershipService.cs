using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.OrgUserMemberships;

/// <summary>
/// People's memberships of an organization: list and read them (<c>read</c> on <c>member</c>), change a role or
/// deactivate (<c>edit</c>), remove (<c>delete</c>). Changing or removing someone acts against everything they may do, so
/// it passes the privilege boundary against their current permissions in the organization and its projects; a new role
/// passes it too. Nobody changes or removes their own membership, and the organization always keeps an active admin.
/// </summary>
public sealed class OrgUserMembershipService(Db db, PermissionService permissions, IdentityBoundary boundary, TimeProvider time)
{
    private const string UpdatePrefix = "Failed to update organization membership";
    private const string DeletePrefix = "Failed to delete organization membership";

    public async Task<IReadOnlyList<OrgUserMembershipDto>> ListAsync(Actor actor, string orgId)
    {
        (await permissions.ForOrgAsync(actor, orgId)).Require(PermissionAction.Read, OrgSubject.Member);
        return [.. (await db.ReadAsync(conn => OrgUserMembershipStore.ListAsync(conn, orgId))).Select(OrgUserMembershipDto.From)];
    }

    public async Task<OrgUserMembershipDto> GetAsync(Actor actor, string orgId, string membershipId)
    {
        (await permissions.ForOrgAsync(actor, orgId)).Require(PermissionAction.Read, OrgSubject.Member);
        return OrgUserMembershipDto.From(await FindAsync(orgId, membershipId));
    }

    public async Task<OrgMembershipRowDto> UpdateAsync(Actor actor, AuditContext audit, string orgId, string membershipId, string? roleSlug, bool? isActive)
    {
        var access = await permissions.ForOrgAsync(actor, orgId);
        access.Require(PermissionAction.Edit, OrgSubject.Member);
        var membership = await FindAsync(orgId, membershipId);
        if (IsSelf(actor, membership)) throw new BadRequestException("You cannot change your own organization membership");
        await boundary.RequireCanChangeUserAsync(actor, orgId, membership.UserId, UpdatePrefix);
        var role = roleSlug is null ? null : await permissions.ResolveOrgRoleAsync(orgId, roleSlug);
        if (role is not null && role.Slug != OrgRoleSlugs.NoAccess) access.RequireCanGrant(OrgSubject.Member, UpdatePrefix, role);

        var now = UnixMs.Now(time);
        var updated = await db.WriteAsync(async (conn, tx) =>
        {
            await OrgUserMembershipStore.LockOrgAsync(conn, tx, orgId);
            var current = await OrgUserMembershipStore.FindAsync(conn, orgId, membershipId, tx) ?? throw NotFound(membershipId);
            var newRole = role?.StoredRole ?? current.Role;
            var active = isActive ?? current.IsActive;
            if (current.Role == OrgRoleSlugs.Admin && current.IsActive && (newRole != OrgRoleSlugs.Admin || !active))
                await RequireAnotherAdminAsync(conn, tx, orgId, membershipId);
            await OrgUserMembershipStore.UpdateAsync(conn, tx, membershipId, newRole, role is null ? current.RoleId : role.CustomRoleId, active, now);
            // The person's permissions changed: every instance rebuilds them on the next request.
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-organization-membership", new JsonObject
            {
                ["userId"] = current.UserId,
                ["role"] = role?.Slug ?? current.Role,
                ["isActive"] = active,
            }, orgId), now);
            return await OrgUserMembershipStore.FindAsync(conn, orgId, membershipId, tx);
        });
        return OrgMembershipRowDto.From(updated!);
    }

    public async Task<OrgMembershipRowDto> DeleteAsync(Actor actor, AuditContext audit, string orgId, string membershipId)
    {
        var access = await permissions.ForOrgAsync(actor, orgId);
        access.Require(PermissionAction.Delete, OrgSubject.Member);
        var membership = await FindAsync(orgId, membershipId);
        if (IsSelf(actor, membership)) throw new BadRequestException("You cannot remove yourself from an organization");
        await boundary.RequireCanChangeUserAsync(actor, orgId, membership.UserId, DeletePrefix);

        var now = UnixMs.Now(time);
        var deleted = await db.WriteAsync(async (conn, tx) =>
        {
            await OrgUserMembershipStore.LockOrgAsync(conn, tx, orgId);
            var current = await OrgUserMembershipStore.FindAsync(conn, orgId, membershipId, tx) ?? throw NotFound(membershipId);
            if (current.Role == OrgRoleSlugs.Admin && current.IsActive) await RequireAnotherAdminAsync(conn, tx, orgId, membershipId);
            await OrgUserMembershipStore.DeleteAsync(conn, tx, orgId, membershipId, current.UserId);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("remove-organization-member", new JsonObject { ["userId"] = current.UserId }, orgId), now);
            return current;
        });
        return OrgMembershipRowDto.From(deleted);
    }

    private async Task<OrgUserMembershipRow> FindAsync(string orgId, string membershipId) =>
        await db.ReadAsync(conn => OrgUserMembershipStore.FindAsync(conn, orgId, membershipId)) ?? throw NotFound(membershipId);

    private static bool IsSelf(Actor actor, OrgUserMembershipRow membership) =>
        actor.Type == ActorType.User && string.Equals(actor.Id, membership.UserId, StringComparison.Ordinal);

    private static async Task RequireAnotherAdminAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, string orgId,
        string membershipId)
    {
        if (await OrgUserMembershipStore.CountOtherActiveAdminsAsync(conn, tx, orgId, membershipId) < 1)
            throw new BadRequestException("This action would leave the organization with no admin. Promote another user to admin first.");
    }

    private static NotFoundException NotFound(string membershipId) => new($"Organization membership with ID '{membershipId}' not found");
}
