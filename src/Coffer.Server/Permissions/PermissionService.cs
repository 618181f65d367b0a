using System.Collections.Concurrent;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Permissions;

/// <summary>
/// Builds what an actor may do in an organization or project, from its memberships, roles and privileges.
/// Results are cached per actor and scope for the security epoch the request was authenticated under, so a role
/// change or membership deletion anywhere is honoured on the very next request.
/// </summary>
public sealed class PermissionService(Db db, TimeProvider time)
{
    private const int MaxCached = 20_000;
    private readonly ConcurrentDictionary<(string ActorId, string OrgId), (long Epoch, OrgAccess Access)> _orgCache = new();
    // Keyed by what the actor's token proved too: templates may render it (identity.auth), so two tokens of one
    // identity with different OIDC claims must not share a set.
    private readonly ConcurrentDictionary<(string ActorId, string AuthInfoKey, string ProjectId), CachedProject> _projectCache = new();

    /// <summary>
    /// The actor's access to a project: 404 if the project does not exist, 403 if it belongs to another organization or
    /// the actor is not a member. Temporary grants are honoured to the millisecond: a cached set expires when one starts or ends.
    /// </summary>
    public async Task<ProjectAccess> ForProjectAsync(Actor actor, string projectId)
    {
        var now = UnixMs.Now(time);
        var hit = _projectCache.TryGetValue((actor.Id, actor.AuthInfoKey, projectId), out var cached) && cached!.Epoch == actor.Epoch && now < cached.ValidUntil;
        CofferMetrics.CacheLookup("project_permissions", hit);
        if (hit) return cached!.Access;

        var (access, validUntil) = await db.ReadAsync(async conn =>
        {
            var project = await ProjectRecords.FindAsync(conn, projectId)
                ?? throw new NotFoundException($"Project with ID '{projectId}' not found");
            if (!string.Equals(project.OrgId, actor.OrgId, StringComparison.Ordinal))
                throw new ForbiddenException("This project does not belong to your selected organization.");
            var loaded = await ProjectPermissionLoader.LoadAsync(conn, project, actor, now);
            if (loaded.MembershipId is null)
                throw new ForbiddenException(
                    $"You are not a member of this project with ID {projectId}. Please assign this {actor.TypeName} to the project with the appropriate permissions, then try again.",
                    "ProjectMembershipNotFound");
            var newSystem = await conn.ExecuteScalarAsync<bool>(
                "SELECT should_use_new_privilege_system FROM organizations WHERE id = @orgId", new { orgId = project.OrgId });
            return (new ProjectAccess(project, loaded.MembershipId, loaded.Permissions, newSystem), loaded.ValidUntilMs);
        });
        if (_projectCache.Count >= MaxCached) _projectCache.Clear();
        _projectCache[(actor.Id, actor.AuthInfoKey, projectId)] = new CachedProject(actor.Epoch, validUntil, access);
        return access;
    }

    private sealed record CachedProject(long Epoch, long ValidUntil, ProjectAccess Access);

    public async Task<OrgAccess> ForOrgAsync(Actor actor, string orgId)
    {
        if (!string.Equals(actor.OrgId, orgId, StringComparison.Ordinal))
            throw new ForbiddenException(
                $"Your token is scoped to organization with ID {actor.OrgId}, but this resource belongs to a different organization.");

        var hit = _orgCache.TryGetValue((actor.Id, orgId), out var cached) && cached.Epoch == actor.Epoch;
        CofferMetrics.CacheLookup("org_permissions", hit);
        if (hit) return cached.Access;

        var row = await db.ReadAsync(conn => FindOrgMembershipAsync(conn, orgId, actor.IsIdentity, actor.Id))
            ?? throw new ForbiddenException(
                $"You are not a member of this organization with ID {orgId}. Please assign this {actor.TypeName} to the organization with the appropriate permissions, then try again.");
        var access = new OrgAccess(orgId, row.Permissions(), row.ShouldUseNewPrivilegeSystem) { IsAdmin = row.Role == OrgRoleSlugs.Admin };
        if (_orgCache.Count >= MaxCached) _orgCache.Clear();
        _orgCache[(actor.Id, orgId)] = (actor.Epoch, access);
        return access;
    }

    /// <summary>
    /// What a member of a project (an identity, or a user) may do there now, templates rendered for it: the target's
    /// side of the privilege boundary when its roles, privileges or membership change.
    /// </summary>
    public Task<PermissionSet> MemberPermissionsAsync(ProjectRow project, ActorType type, string id) =>
        db.ReadAsync(async conn =>
        {
            var name = await conn.ExecuteScalarAsync<string?>(
                type == ActorType.Identity ? "SELECT name FROM identities WHERE id = @id" : "SELECT username FROM users WHERE id = @id", new { id });
            var member = new Actor(type, id, project.OrgId, name ?? "", "");
            return (await ProjectPermissionLoader.LoadAsync(conn, project, member, UnixMs.Now(time))).Permissions;
        });

    /// <summary>A role slug as given in a request: built-in, or a custom role of the organization (else 404).</summary>
    public async Task<OrgRoleRef> ResolveOrgRoleAsync(string orgId, string slug)
    {
        if (OrgRoles.BuiltIn(slug) is { } builtIn) return new OrgRoleRef(slug, slug, null, builtIn);
        var custom = await db.ReadAsync(conn => conn.QuerySingleOrDefaultAsync<(string Id, string Permissions)?>(
            "SELECT id, permissions FROM org_roles WHERE org_id = @orgId AND slug = @slug", new { orgId, slug }));
        if (custom is null)
            throw new NotFoundException($"Specified roles '{slug}' was not found in the organization with ID '{orgId}'");
        return new OrgRoleRef(slug, OrgRoleSlugs.Custom, custom.Value.Id, PermissionStorage.Unpack(custom.Value.Permissions));
    }

    /// <summary>Infisical sorts denials after grants, so an inverted rule wins over any grant, whichever role it came from.</summary>
    internal static IReadOnlyList<PermissionRule> InvertedLast(IEnumerable<PermissionRule> rules) =>
        rules.OrderBy(r => r.Inverted ? 1 : 0).ToList();

    /// <summary>A user's or identity's active membership of an organization, with what its role grants.</summary>
    internal static Task<OrgMembershipPermissionRow?> FindOrgMembershipAsync(System.Data.Common.DbConnection conn, string orgId, bool identity, string id) =>
        conn.QuerySingleOrDefaultAsync<OrgMembershipPermissionRow>(
            $"""
            SELECT m.role, r.permissions AS custom_permissions, o.should_use_new_privilege_system
            FROM org_memberships m
            JOIN organizations o ON o.id = m.org_id
            LEFT JOIN org_roles r ON r.id = m.role_id
            WHERE m.org_id = @orgId AND m.{(identity ? "identity_id" : "user_id")} = @id AND m.is_active = TRUE
            """, new { orgId, id });

    internal sealed class OrgMembershipPermissionRow
    {
        public string Role { get; init; } = "";
        public string? CustomPermissions { get; init; }
        public bool ShouldUseNewPrivilegeSystem { get; init; }

        public PermissionSet Permissions() => PermissionSet.Build([InvertedLast(
            Role == OrgRoleSlugs.Custom && CustomPermissions is not null ? PermissionStorage.Unpack(CustomPermissions) : OrgRoles.BuiltIn(Role) ?? [])]);
    }
}
