
namespace Coffer.Server.Permissions;

/// <summary>What one actor may do in one project, from its active roles and additional privileges.</summary>
public sealed class ProjectAccess(ProjectRow project, string membershipId, PermissionSet permissions, bool useNewPrivilegeSystem)
{
    public ProjectRow Project { get; } = project;

    public string MembershipId { get; } = membershipId;

    public PermissionSet Permissions { get; } = permissions;

    public bool UseNewPrivilegeSystem { get; } = useNewPrivilegeSystem;

    public bool Can(string action, string subject, ISubjectFields? fields = null) => Permissions.Can(action, subject, fields);

    public void Require(string action, string subject, ISubjectFields? fields = null) => Permissions.Require(action, subject, fields);

    /// <summary>
    /// The boundary on anything that grants, widens or removes access: the actor must hold everything
    /// <paramref name="target"/> grants (403 <c>PermissionBoundaryError</c> listing what it lacks).
    /// </summary>
    public void RequireHolds(PermissionSet target, string operation) => PrivilegeBoundary.RequireSuperset(Permissions, target, operation);

    /// <summary>The privilege boundary for giving <paramref name="target"/> to someone in this project.</summary>
    public void RequireCanGrant(string subject, string operation, PermissionSet target) =>
        PrivilegeBoundary.Require(UseNewPrivilegeSystem, Permissions, subject, target, operation);
}
