using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

/// <summary>A role's fields as a create or update request gives them; null means "not given" (keep on update).</summary>
public sealed record RoleInput(string? Slug, string? Name, string? Description, bool DescriptionGiven, IReadOnlyList<PermissionRule>? Permissions);

/// <summary>Which rule form a route speaks: today's, or the V1 form of the deprecated project-slug routes.</summary>
public enum RoleForm
{
    Current,
    V1,
}
