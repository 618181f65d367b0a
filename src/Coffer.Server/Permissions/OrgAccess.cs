
namespace Coffer.Server.Permissions;

/// <summary>A role an actor may be given in an organization: built-in (admin, member, no-access) or custom.</summary>
public sealed record OrgRoleRef(string Slug, string StoredRole, string? CustomRoleId, IReadOnlyList<PermissionRule> Rules);

public static class OrgRoleSlugs
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string NoAccess = "no-access";
    public const string Custom = "custom";
}

/// <summary>What one actor may do in one organization.</summary>
public sealed class OrgAccess(string orgId, PermissionSet permissions, bool useNewPrivilegeSystem)
{
    public string OrgId { get; } = orgId;

    public PermissionSet Permissions { get; } = permissions;

    /// <summary>Holds the built-in organization admin role: may enter any project of the organization (see OrgAdminService).</summary>
    public bool IsAdmin { get; init; }

    public bool Can(string action, string subject) => Permissions.Can(action, subject);

    public void Require(string action, string subject) => Permissions.Require(action, subject);

    /// <summary>The privilege boundary for giving <paramref name="role"/> to someone (Infisical's validatePrivilegeChangeOperation).</summary>
    public void RequireCanGrant(string subject, string operation, OrgRoleRef role) =>
        PrivilegeBoundary.Require(useNewPrivilegeSystem, Permissions, subject, PermissionSet.FromRules(role.Rules), operation);
}
