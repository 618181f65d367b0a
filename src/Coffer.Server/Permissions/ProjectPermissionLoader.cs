using System.Data.Common;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Permissions;

/// <summary>Reads an actor's roles and privileges in a project and turns the active ones into a permission set.</summary>
internal static class ProjectPermissionLoader
{
    /// <summary>The built set, and the moment it stops being right because a temporary grant starts or ends.</summary>
    public sealed record Loaded(string? MembershipId, PermissionSet Permissions, long ValidUntilMs);

    /// <param name="template">The values templates render with; by default the actor's id, name and stored metadata.</param>
    public static async Task<Loaded> LoadAsync(DbConnection conn, ProjectRow project, Actor actor, long now, ActorTemplateContext? template = null)
    {
        var column = actor.IsIdentity ? "identity_id" : "user_id";
        var roles = (await conn.QueryAsync<RoleRow>(
            $"""
            SELECT m.id AS membership_id, r.role, pr.permissions AS custom_permissions, r.is_temporary,
                   r.temporary_access_start_time, r.temporary_access_end_time
            FROM project_memberships m
            LEFT JOIN project_membership_roles r ON r.membership_id = m.id
            LEFT JOIN project_roles pr ON pr.id = r.custom_role_id
            WHERE m.project_id = @projectId AND m.{column} = @actorId
            ORDER BY r.created_at, r.id
            """, new { projectId = project.Id, actorId = actor.Id })).AsList();
        if (roles.Count == 0) return new Loaded(null, PermissionSet.Build([]), long.MaxValue);

        var privileges = actor.IsIdentity
            ? (await conn.QueryAsync<PrivilegeRow>(
                """
                SELECT permissions, is_temporary, temporary_access_start_time, temporary_access_end_time
                FROM identity_project_additional_privileges WHERE project_id = @projectId AND identity_id = @actorId
                ORDER BY created_at, id
                """, new { projectId = project.Id, actorId = actor.Id })).AsList()
            : [];

        var validUntil = long.MaxValue;
        var rules = new List<PermissionRule>();
        foreach (var role in roles)
        {
            if (role.Role is null || !Active(role.IsTemporary, role.TemporaryAccessStartTime, role.TemporaryAccessEndTime, now, ref validUntil))
                continue;
            var roleRules = role.CustomPermissions is not null
                ? PermissionStorage.Unpack(role.CustomPermissions)
                : ProjectRoles.BuiltIn(role.Role) ?? [];
            rules.AddRange(roleRules);
        }
        foreach (var privilege in privileges)
            if (Active(privilege.IsTemporary, privilege.TemporaryAccessStartTime, privilege.TemporaryAccessEndTime, now, ref validUntil))
                rules.AddRange(PermissionStorage.Unpack(privilege.Permissions));

        template ??= new ActorTemplateContext(actor.Id, actor.Name) { Metadata = await MetadataAsync(conn, actor), AuthInfo = actor.AuthInfo };
        return new Loaded(roles[0].MembershipId, PermissionSet.Build([PermissionService.InvertedLast(rules)], template), validUntil);
    }

    public static async Task<IReadOnlyDictionary<string, string>> MetadataAsync(DbConnection conn, Actor actor) =>
        actor.IsIdentity
            ? (await conn.QueryAsync<(string Key, string Value)>(
                "SELECT key, value FROM identity_metadata WHERE identity_id = @id", new { id = actor.Id }))
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value)
            : new Dictionary<string, string>();

    /// <summary>
    /// A temporary grant counts from its start time until its end time, and not a moment outside (Infisical checks
    /// only the end; granting early is a bug we do not copy). Tracks the next instant the answer changes.
    /// </summary>
    private static bool Active(bool isTemporary, long? start, long? end, long now, ref long validUntil)
    {
        if (!isTemporary) return true;
        if (start is { } s && now < s)
        {
            validUntil = Math.Min(validUntil, s);
            return false;
        }
        if (end is not { } e || now >= e) return false;
        validUntil = Math.Min(validUntil, e);
        return true;
    }

    private sealed class RoleRow
    {
        public string MembershipId { get; init; } = "";
        public string? Role { get; init; }
        public string? CustomPermissions { get; init; }
        public bool IsTemporary { get; init; }
        public long? TemporaryAccessStartTime { get; init; }
        public long? TemporaryAccessEndTime { get; init; }
    }

    private sealed class PrivilegeRow
    {
        public string Permissions { get; init; } = "[]";
        public bool IsTemporary { get; init; }
        public long? TemporaryAccessStartTime { get; init; }
        public long? TemporaryAccessEndTime { get; init; }
    }
}
