using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Roles;
using Dapper;

namespace Coffer.Server.Features.IdentityMemberships;

public static class MembershipStore
{
    private const string DetailSelect =
        """
        SELECT m.id, m.project_id, m.identity_id, m.created_at, m.updated_at,
               i.name AS identity_name, i.org_id AS identity_org_id, i.project_id AS identity_project_id,
               p.name AS project_name, om.last_login_auth_method, om.last_login_time
        FROM project_memberships m
        JOIN identities i ON i.id = m.identity_id
        JOIN projects p ON p.id = m.project_id
        LEFT JOIN org_memberships om ON om.identity_id = i.id AND om.org_id = i.org_id
        """;

    public static Task<MembershipRow?> FindAsync(DbConnection conn, string projectId, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<MembershipRow>(
            "SELECT id, project_id, identity_id, created_at, updated_at FROM project_memberships WHERE project_id = @projectId AND identity_id = @identityId",
            new { projectId, identityId }, tx);

    public static Task<MembershipDetailRow?> FindDetailAsync(DbConnection conn, string projectId, string identityId) =>
        conn.QuerySingleOrDefaultAsync<MembershipDetailRow>(
            $"{DetailSelect} WHERE m.project_id = @projectId AND m.identity_id = @identityId", new { projectId, identityId });

    /// <summary>A membership by its own id, only within <paramref name="orgId"/>.</summary>
    public static Task<MembershipDetailRow?> FindDetailByIdAsync(DbConnection conn, string orgId, string membershipId) =>
        conn.QuerySingleOrDefaultAsync<MembershipDetailRow>(
            $"{DetailSelect} WHERE m.id = @membershipId AND p.org_id = @orgId AND m.identity_id IS NOT NULL", new { orgId, membershipId });

    public static async Task<(IReadOnlyList<MembershipDetailRow> Rows, long Total)> ListAsync(DbConnection conn, string projectId,
        int offset, int limit, string? nameSearch, bool descending, IReadOnlyList<string>? roleSlugs)
    {
        var filter = "m.project_id = @projectId AND m.identity_id IS NOT NULL";
        if (!string.IsNullOrEmpty(nameSearch)) filter += " AND lower(i.name) LIKE @pattern ESCAPE '\\'";
        if (roleSlugs is { Count: > 0 })
            filter += " AND EXISTS (SELECT 1 FROM project_membership_roles r LEFT JOIN project_roles pr ON pr.id = r.custom_role_id " +
                $"WHERE r.membership_id = m.id AND {SqlText.In(conn, "COALESCE(pr.slug, r.role)", "roleSlugs")})";
        var args = new { projectId, offset, limit, pattern = $"%{SqlText.EscapeLike(nameSearch ?? "").ToLowerInvariant()}%", roleSlugs = roleSlugs?.ToArray() };
        var rows = await conn.QueryAsync<MembershipDetailRow>(
            $"{DetailSelect} WHERE {filter} ORDER BY i.name {(descending ? "DESC" : "ASC")}, m.id LIMIT @limit OFFSET @offset", args);
        var total = await conn.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM project_memberships m JOIN identities i ON i.id = m.identity_id WHERE {filter}", args);
        return (rows.AsList(), total);
    }

    public static async Task<ILookup<string, MembershipRoleRow>> RolesAsync(DbConnection conn, IReadOnlyCollection<string> membershipIds,
        DbTransaction? tx = null)
    {
        if (membershipIds.Count == 0) return Array.Empty<MembershipRoleRow>().ToLookup(r => r.MembershipId);
        var rows = await conn.QueryAsync<MembershipRoleRow>(
            $"""
            SELECT r.id, r.membership_id, r.role, r.custom_role_id, pr.name AS custom_role_name, pr.slug AS custom_role_slug,
                   r.is_temporary, r.temporary_mode, r.temporary_range, r.temporary_access_start_time, r.temporary_access_end_time,
                   r.created_at, r.updated_at
            FROM project_membership_roles r LEFT JOIN project_roles pr ON pr.id = r.custom_role_id
            WHERE {SqlText.In(conn, "r.membership_id", "membershipIds")} ORDER BY r.created_at, r.id
            """, new { membershipIds = membershipIds.ToArray() }, tx);
        return rows.ToLookup(r => r.MembershipId);
    }

    public static async Task InsertRolesAsync(DbConnection conn, DbTransaction tx, string membershipId,
        IReadOnlyList<(RoleAssignment Assignment, ResolvedRole Role)> roles, long now)
    {
        foreach (var (assignment, role) in roles)
            await conn.ExecuteAsync(
                """
                INSERT INTO project_membership_roles (id, membership_id, role, custom_role_id, is_temporary, temporary_mode,
                    temporary_range, temporary_access_start_time, temporary_access_end_time, created_at, updated_at)
                VALUES (@id, @membershipId, @role, @customRoleId, @isTemporary, @mode, @range, @start, @end, @now, @now)
                """,
                new
                {
                    id = Ids.New(),
                    membershipId,
                    role = role.StoredRole,
                    customRoleId = role.CustomRoleId,
                    isTemporary = assignment.IsTemporary,
                    mode = assignment.IsTemporary ? RoleAssignment.RelativeMode : null,
                    range = assignment.TemporaryRange,
                    start = assignment.TemporaryAccessStartTime is { } s ? new DateTimeOffset(s).ToUnixTimeMilliseconds() : (long?)null,
                    end = assignment.TemporaryAccessEndTime is { } e ? new DateTimeOffset(e).ToUnixTimeMilliseconds() : (long?)null,
                    now,
                }, tx);
    }

    public static Task DeleteRolesAsync(DbConnection conn, DbTransaction tx, string membershipId) =>
        conn.ExecuteAsync("DELETE FROM project_membership_roles WHERE membership_id = @membershipId", new { membershipId }, tx);

    public static Task TouchAsync(DbConnection conn, DbTransaction tx, string membershipId, long now) =>
        conn.ExecuteAsync("UPDATE project_memberships SET updated_at = @now WHERE id = @membershipId", new { membershipId, now }, tx);

    /// <summary>Decision 11: the identity's additional privileges in the project, its roles, then the membership itself.</summary>
    public static async Task DeleteAsync(DbConnection conn, DbTransaction tx, MembershipRow membership)
    {
        await conn.ExecuteAsync(
            "DELETE FROM identity_project_additional_privileges WHERE project_id = @ProjectId AND identity_id = @IdentityId", membership, tx);
        await DeleteRolesAsync(conn, tx, membership.Id);
        await conn.ExecuteAsync("DELETE FROM project_memberships WHERE id = @Id", membership, tx);
    }
}
