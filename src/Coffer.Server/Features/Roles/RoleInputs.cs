using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

/// <summary>A project role's fields as the API reads them; the console's role forms go through the same reader.</summary>
public static class RoleInputs
{
    public static RoleInput Read(Input body, bool creating, RoleForm form)
    {
        var slug = Slug.Read(body, "slug", required: creating, min: 1, max: 64);
        if (slug is not null && ProjectRoles.IsReservedSlug(slug)) body.Fail(ProjectRoles.ReservedSlugMessage, "slug");
        var name = body.String("name", required: creating, trim: true, min: 1);
        var description = body.String("description", required: false, nullable: true);
        IReadOnlyList<PermissionRule>? rules = null;
        if (creating || body.Has("permissions"))
        {
            var validation = form == RoleForm.V1
                ? PermissionJson.ValidateProjectV1(body.Raw("permissions"), body.PathOf("permissions"))
                : PermissionJson.ValidateProject(body.Raw("permissions"), body.PathOf("permissions"));
            foreach (var issue in validation.Issues) body.AddIssue(issue);
            rules = validation.Rules;
        }
        body.ThrowIfInvalid();
        if (rules is null) return new RoleInput(slug, name, description, body.Has("description"), null);
        if (form == RoleForm.V1) rules = PermissionsV1.Backfill(rules);
        else PermissionJson.ThrowIfLegacyReadMixed(rules);
        return new RoleInput(slug, name, description, body.Has("description"), rules);
    }
}
