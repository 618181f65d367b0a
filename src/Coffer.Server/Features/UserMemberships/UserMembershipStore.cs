using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.IdentityMemberships;
using Dapper;

namespace Coffer.Server.Features.UserMemberships;

/// <summary>A user of the organization, as membership answers show it.</summary>
public sealed class OrgUserRow
{
    public string UserId { get; init; } = "";
    public string Email { get; init; } = "";
    public string Username { get; init; } = "";
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
}

/// <summary>A user's project membership with the user's fields.</summary>
public sealed class UserMembershipRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string UserId { get; init; } = "";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public string Email { get; init; } = "";
    public string Username { get; init; } = "";
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
}

/// <summary>Every query on users' project memberships (their roles live in the identity memberships' role table).</summary>
public static class UserMembershipStore
{
    private const string Select =
        """
        SELECT m.id, m.project_id, m.user_id, m.created_at, m.updated_at, u.email, u.username, u.first_name, u.last_name
        FROM project_memberships m JOIN users u ON u.id = m.user_id
        """;

    /// <summary>The users of <paramref name="orgId"/> named by email or username (lower-case), with an active membership.</summary>
    public static async Task<IReadOnlyList<OrgUserRow>> FindOrgUsersAsync(DbConnection conn, string orgId, IReadOnlyCollection<string> names) =>
        (await conn.QueryAsync<OrgUserRow>(
            $"""
            SELECT u.id AS user_id, u.email, u.username, u.first_name, u.last_name
            FROM users u JOIN org_memberships o ON o.user_id = u.id
            WHERE o.org_id = @orgId AND o.is_active = TRUE
              AND ({SqlText.In(conn, "lower(u.email)", "names")} OR {SqlText.In(conn, "lower(u.username)", "names")})
            """, new { orgId, names = names.ToArray() })).AsList();

    public static async Task<IReadOnlyList<UserMembershipRow>> ListAsync(DbConnection conn, string projectId) =>
        (await conn.QueryAsync<UserMembershipRow>($"{Select} WHERE m.project_id = @projectId ORDER BY u.username, m.id", new { projectId })).AsList();

    public static Task<UserMembershipRow?> FindByIdAsync(DbConnection conn, string projectId, string membershipId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<UserMembershipRow>($"{Select} WHERE m.project_id = @projectId AND m.id = @membershipId",
            new { projectId, membershipId }, tx);

    public static Task<UserMembershipRow?> FindByUsernameAsync(DbConnection conn, string projectId, string username) =>
        conn.QuerySingleOrDefaultAsync<UserMembershipRow>($"{Select} WHERE m.project_id = @projectId AND lower(u.username) = @username",
            new { projectId, username });

    public static async Task<IReadOnlyList<UserMembershipRow>> FindByUsersAsync(DbConnection conn, string projectId, IReadOnlyCollection<string> userIds,
        DbTransaction? tx = null) =>
        (await conn.QueryAsync<UserMembershipRow>($"{Select} WHERE m.project_id = @projectId AND {SqlText.In(conn, "m.user_id", "userIds")}",
            new { projectId, userIds = userIds.ToArray() }, tx)).AsList();

    /// <summary>A user's membership and its roles (a user has no additional privileges to take with it).</summary>
    public static async Task DeleteAsync(DbConnection conn, DbTransaction tx, string membershipId)
    {
        await MembershipStore.DeleteRolesAsync(conn, tx, membershipId);
        await conn.ExecuteAsync("DELETE FROM project_memberships WHERE id = @membershipId", new { membershipId }, tx);
    }
}
