using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.OrgUserMemberships;

/// <summary>A person's membership of an organization, with the user it belongs to.</summary>
public sealed class OrgUserMembershipRow
{
    public string Id { get; init; } = "";
    public string Role { get; init; } = "";
    public string Status { get; init; } = "";
    public string UserId { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string? RoleId { get; init; }
    public bool IsActive { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public string Username { get; init; } = "";
    public string? Email { get; init; }
    public bool IsEmailVerified { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
}

/// <summary>Every query on people's organization memberships.</summary>
public static class OrgUserMembershipStore
{
    private const string Select =
        """
        SELECT m.id, m.role, m.status, m.user_id, m.org_id, m.role_id, m.is_active, m.created_at, m.updated_at,
               u.username, u.email, u.is_email_verified, u.first_name, u.last_name
        FROM org_memberships m JOIN users u ON u.id = m.user_id
        """;

    public static async Task<IReadOnlyList<OrgUserMembershipRow>> ListAsync(DbConnection conn, string orgId) =>
        (await conn.QueryAsync<OrgUserMembershipRow>($"{Select} WHERE m.org_id = @orgId ORDER BY m.created_at, m.id", new { orgId })).AsList();

    public static Task<OrgUserMembershipRow?> FindAsync(DbConnection conn, string orgId, string membershipId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<OrgUserMembershipRow>($"{Select} WHERE m.org_id = @orgId AND m.id = @membershipId",
            new { orgId, membershipId }, tx);

    /// <summary>
    /// Serializes changes that could leave the organization without an admin: on PostgreSQL the organization's row is
    /// locked until the transaction ends (SQLite's writers are serialized already).
    /// </summary>
    public static Task LockOrgAsync(DbConnection conn, DbTransaction tx, string orgId) =>
        conn.ExecuteAsync($"SELECT id FROM organizations WHERE id = @orgId{SqlText.ForUpdate(conn, tx)}", new { orgId }, tx);

    /// <summary>Active people holding the built-in admin role, other than the given membership.</summary>
    public static Task<long> CountOtherActiveAdminsAsync(DbConnection conn, DbTransaction tx, string orgId, string membershipId) =>
        conn.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM org_memberships
            WHERE org_id = @orgId AND user_id IS NOT NULL AND role = 'admin' AND is_active = TRUE AND id <> @membershipId
            """, new { orgId, membershipId }, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, string membershipId, string role, string? roleId, bool isActive, long now) =>
        conn.ExecuteAsync(
            "UPDATE org_memberships SET role = @role, role_id = @roleId, is_active = @isActive, updated_at = @now WHERE id = @membershipId",
            new { membershipId, role, roleId, isActive, now }, tx);

    /// <summary>Removes the person from the organization: its membership, their memberships of its projects and any open invitation.</summary>
    public static async Task DeleteAsync(DbConnection conn, DbTransaction tx, string orgId, string membershipId, string userId)
    {
        await conn.ExecuteAsync(
            "DELETE FROM project_memberships WHERE user_id = @userId AND project_id IN (SELECT id FROM projects WHERE org_id = @orgId)",
            new { orgId, userId }, tx);
        await conn.ExecuteAsync("DELETE FROM org_invite_codes WHERE user_id = @userId AND org_id = @orgId", new { orgId, userId }, tx);
        await conn.ExecuteAsync("DELETE FROM org_memberships WHERE id = @membershipId", new { membershipId }, tx);
    }
}
