using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Invitations;

/// <summary>A user as invitations and sign-up show it (Infisical's users row).</summary>
public sealed class InvitedUserRow
{
    public string Id { get; init; } = "";
    public string? Email { get; init; }
    public string Username { get; init; } = "";
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public bool SuperAdmin { get; init; }
    public bool IsAccepted { get; init; }
    public bool IsEmailVerified { get; init; }
    public string AuthMethods { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>The live invitation code of a user in an organization.</summary>
public sealed record InviteCodeRow(string CodeHash, long ExpiresAt);

/// <summary>Every query on invited users, their organization memberships' status and their invitation codes.</summary>
public static class InvitationStore
{
    private const string UserColumns =
        "id, email, username, first_name, last_name, super_admin, is_accepted, is_email_verified, auth_methods, created_at, updated_at";

    public static async Task<IReadOnlyList<InvitedUserRow>> FindUsersAsync(DbConnection conn, IReadOnlyCollection<string> usernames, DbTransaction? tx = null) =>
        (await conn.QueryAsync<InvitedUserRow>($"SELECT {UserColumns} FROM users WHERE {SqlText.In(conn, "username", "usernames")}",
            new { usernames = usernames.ToArray() }, tx)).AsList();

    public static Task<InvitedUserRow?> FindUserAsync(DbConnection conn, string username, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<InvitedUserRow>($"SELECT {UserColumns} FROM users WHERE username = @username", new { username }, tx);

    /// <summary>A user who has not signed up yet: no password (nothing can match it) until the invitation is completed.</summary>
    public static Task InsertInvitedUserAsync(DbConnection conn, DbTransaction tx, string id, string email, long now) =>
        conn.ExecuteAsync(
            """
            INSERT INTO users (id, email, username, first_name, last_name, password_hash, super_admin, is_accepted,
                               is_email_verified, auth_methods, created_at, updated_at)
            VALUES (@id, @email, @email, NULL, NULL, '', FALSE, FALSE, FALSE, '["email"]', @now, @now)
            """, new { id, email, now }, tx);

    /// <summary>Which of the users already hold a membership (invited or accepted) in the organization.</summary>
    public static async Task<IReadOnlyList<string>> OrgMemberUserIdsAsync(DbConnection conn, string orgId, IReadOnlyCollection<string> userIds, DbTransaction? tx = null) =>
        (await conn.QueryAsync<string>($"SELECT user_id FROM org_memberships WHERE org_id = @orgId AND {SqlText.In(conn, "user_id", "userIds")}",
            new { orgId, userIds = userIds.ToArray() }, tx)).AsList();

    public static async Task<bool> IsInvitedAsync(DbConnection conn, string orgId, string userId, DbTransaction? tx = null) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM org_memberships WHERE org_id = @orgId AND user_id = @userId AND status = 'invited'",
            new { orgId, userId }, tx) > 0;

    /// <summary>Replaces the user's code for the organization: only the newest link works.</summary>
    public static async Task ReplaceCodeAsync(DbConnection conn, DbTransaction tx, string userId, string orgId, string codeHash, long expiresAt, long now)
    {
        await DeleteCodeAsync(conn, tx, userId, orgId);
        await conn.ExecuteAsync(
            """
            INSERT INTO org_invite_codes (id, user_id, org_id, code_hash, expires_at, created_at, updated_at)
            VALUES (@id, @userId, @orgId, @codeHash, @expiresAt, @now, @now)
            """, new { id = Ids.New(), userId, orgId, codeHash, expiresAt, now }, tx);
    }

    public static Task<InviteCodeRow?> FindCodeAsync(DbConnection conn, string userId, string orgId) =>
        conn.QuerySingleOrDefaultAsync<InviteCodeRow>(
            "SELECT code_hash, expires_at FROM org_invite_codes WHERE user_id = @userId AND org_id = @orgId", new { userId, orgId });

    /// <summary>Deletes the code; false when another request used it first.</summary>
    public static async Task<bool> DeleteCodeAsync(DbConnection conn, DbTransaction tx, string userId, string orgId, string? codeHash = null) =>
        await conn.ExecuteAsync(
            $"DELETE FROM org_invite_codes WHERE user_id = @userId AND org_id = @orgId{(codeHash is null ? "" : " AND code_hash = @codeHash")}",
            new { userId, orgId, codeHash }, tx) > 0;

    public static Task MarkEmailVerifiedAsync(DbConnection conn, DbTransaction tx, string userId, long now) =>
        conn.ExecuteAsync("UPDATE users SET is_email_verified = TRUE, updated_at = @now WHERE id = @userId", new { userId, now }, tx);

    public static Task AcceptMembershipAsync(DbConnection conn, DbTransaction tx, string orgId, string userId, long now) =>
        conn.ExecuteAsync(
            "UPDATE org_memberships SET status = 'accepted', updated_at = @now WHERE org_id = @orgId AND user_id = @userId",
            new { orgId, userId, now }, tx);

    /// <summary>Completes a sign-up: false when the account was completed by another request first.</summary>
    public static async Task<bool> CompleteUserAsync(DbConnection conn, DbTransaction tx, string userId, string firstName, string? lastName,
        string passwordHash, long now) =>
        await conn.ExecuteAsync(
            """
            UPDATE users SET first_name = @firstName, last_name = @lastName, password_hash = @passwordHash, is_accepted = TRUE,
                             is_email_verified = TRUE, updated_at = @now
            WHERE id = @userId AND is_accepted = FALSE
            """, new { userId, firstName, lastName, passwordHash, now }, tx) > 0;

    /// <summary>A new account accepts every invitation it holds (Infisical accepts them all at sign-up).</summary>
    public static Task AcceptAllMembershipsAsync(DbConnection conn, DbTransaction tx, string userId, long now) =>
        conn.ExecuteAsync("UPDATE org_memberships SET status = 'accepted', updated_at = @now WHERE user_id = @userId AND status = 'invited'",
            new { userId, now }, tx);
}
