using Coffer.Server.Data;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Organizations;

/// <summary>The organizations a caller belongs to: what the CLI's organization picker and Terraform's data sources read.</summary>
public sealed class OrgService(Db db, PermissionService permissions)
{
    public async Task<IReadOnlyList<OrgRow>> ListMineAsync(Actor actor) =>
        await db.ReadAsync(conn => OrgStore.ListForMemberAsync(conn, actor.IsIdentity ? "identity_id" : "user_id", actor.Id));

    /// <summary>Infisical's <c>findIdentityOrganization</c>: machine identities only.</summary>
    public async Task<OrgRow> IdentityOrganizationAsync(Actor actor, string path)
    {
        if (!actor.IsIdentity) throw new ForbiddenException("You are not allowed to access this resource", $"Forbidden access to {path}");
        return await db.ReadAsync(conn => OrgStore.FindAsync(conn, actor.OrgId))
            ?? throw new NotFoundException($"Organization with ID '{actor.OrgId}' not found");
    }

    /// <summary>Sub-organizations of the caller's organization: a member may list them, and Coffer has none.</summary>
    public async Task<IReadOnlyList<OrgBasic>> ListSubOrganizationsAsync(Actor actor)
    {
        await permissions.ForOrgAsync(actor, actor.OrgId);
        return [];
    }
}
