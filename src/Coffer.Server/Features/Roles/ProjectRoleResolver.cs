using System.Data.Common;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

/// <summary>A role as a membership stores it: a built-in slug, or "custom" pointing at a project role.</summary>
public sealed record ResolvedRole(string Slug, string StoredRole, string? CustomRoleId, IReadOnlyList<PermissionRule> Rules)
{
    public bool IsNoAccess => StoredRole == "no-access";
}

public static class ProjectRoleResolver
{
    /// <summary>
    /// Resolves every slug; any slug that is neither built in nor a role of the project is a 404 naming all the
    /// missing ones, as Infisical's getProjectPermissionByRoles does. The literal "custom" is not a role.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ResolvedRole>> ResolveAsync(DbConnection conn, string projectId,
        IEnumerable<string> slugs, DbTransaction? tx = null)
    {
        var wanted = slugs.Distinct(StringComparer.Ordinal).ToList();
        var result = new Dictionary<string, ResolvedRole>(StringComparer.Ordinal);
        var custom = new List<string>();
        foreach (var slug in wanted)
        {
            if (slug != ProjectRoles.Custom && ProjectRoles.BuiltIn(slug) is { } rules)
                result[slug] = new ResolvedRole(slug, slug, null, rules);
            else custom.Add(slug);
        }
        if (custom.Count > 0)
        {
            var found = (await ProjectRoleStore.ListAsync(conn, projectId, tx))
                .Where(r => custom.Contains(r.Slug, StringComparer.Ordinal))
                .ToDictionary(r => r.Slug, StringComparer.Ordinal);
            var missing = custom.Where(s => !found.ContainsKey(s)).ToList();
            if (missing.Count > 0)
                throw new NotFoundException($"Specified roles '{string.Join(",", missing)}' was not found in the project with ID '{projectId}'");
            foreach (var slug in custom)
                result[slug] = new ResolvedRole(slug, ProjectRoles.Custom, found[slug].Id, PermissionStorage.Unpack(found[slug].Permissions));
        }
        return result;
    }
}
