using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Users;

/// <summary>A live sign-in session and the user it belongs to.</summary>
public sealed class UserSessionRow
{
    public string UserId { get; init; } = "";
    public long AccessVersion { get; init; }
    public string Username { get; init; } = "";
}

/// <summary>A console session: its user and when it was opened and last used (Unix ms).</summary>
public sealed class ConsoleSessionRow
{
    public string UserId { get; init; } = "";
    public long AccessVersion { get; init; }
    public string Username { get; init; } = "";
    public long LastUsed { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>A user as sign-in needs it: the password hash and any lock on the account.</summary>
public sealed record UserLoginRow(string Id, string PasswordHash, long? LockedUntil);

/// <summary>Every query on users, their sign-in sessions and their lockout counters.</summary>
public static class UserStore
{
    public static Task<UserLoginRow?> FindForLoginAsync(DbConnection conn, string username) =>
        conn.QuerySingleOrDefaultAsync<UserLoginRow>(
            """
            SELECT u.id, u.password_hash, l.locked_until
            FROM users u LEFT JOIN user_login_lockouts l ON l.user_id = u.id
            WHERE u.username = @username AND u.is_accepted = TRUE
            """, new { username });

    public static async Task<bool> ExistsAsync(DbConnection conn, DbTransaction tx, string username) =>
        await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE username = @username", new { username }, tx) > 0;

    /// <summary>The first-run administrator: a super admin whose email is verified and who signs in with a password.</summary>
    public static Task InsertSuperAdminAsync(DbConnection conn, DbTransaction tx, string userId, string email, string passwordHash, long now) =>
        conn.ExecuteAsync(
            """
            INSERT INTO users (id, email, username, first_name, last_name, password_hash, super_admin, is_accepted,
                               is_email_verified, auth_methods, created_at, updated_at)
            VALUES (@userId, @email, @email, 'Admin', 'User', @passwordHash, TRUE, TRUE, TRUE, '["email"]', @now, @now)
            """, new { userId, email, passwordHash, now }, tx);

    /// <summary>The organization the user joined first (where its account events are recorded).</summary>
    public static Task<string?> FirstOrgIdAsync(DbConnection conn, DbTransaction tx, string userId) =>
        conn.ExecuteScalarAsync<string?>("SELECT org_id FROM org_memberships WHERE user_id = @userId ORDER BY created_at LIMIT 1", new { userId }, tx);

    /// <summary>The organization a console session works in: the user's first active membership.</summary>
    public static Task<string?> FirstActiveOrgIdAsync(DbConnection conn, string userId) =>
        conn.ExecuteScalarAsync<string?>(
            "SELECT org_id FROM org_memberships WHERE user_id = @userId AND is_active = TRUE ORDER BY created_at LIMIT 1", new { userId });

    public static async Task<bool> IsActiveOrgMemberAsync(DbConnection conn, string userId, string organizationId) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM org_memberships WHERE user_id = @userId AND org_id = @organizationId AND is_active = TRUE",
            new { userId, organizationId }) > 0;

    public static Task InsertSessionAsync(DbConnection conn, DbTransaction tx, string sessionId, string userId, string ip, string? userAgent, long now) =>
        conn.ExecuteAsync(
            """
            INSERT INTO auth_token_sessions (id, user_id, ip, user_agent, access_version, is_revoked, last_used, created_at, updated_at)
            VALUES (@sessionId, @userId, @ip, @userAgent, 1, FALSE, @now, @now, @now)
            """, new { sessionId, userId, ip, userAgent, now }, tx);

    public static Task<UserSessionRow?> FindLiveSessionAsync(DbConnection conn, string sessionId) =>
        conn.QuerySingleOrDefaultAsync<UserSessionRow>(
            """
            SELECT s.user_id, s.access_version, u.username
            FROM auth_token_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = @sessionId AND s.is_revoked = FALSE
            """, new { sessionId });

    /// <summary>A console session with its activity times, so idle and absolute expiry are checked on every page.</summary>
    public static Task<ConsoleSessionRow?> FindConsoleSessionAsync(DbConnection conn, string sessionId) =>
        conn.QuerySingleOrDefaultAsync<ConsoleSessionRow>(
            """
            SELECT s.user_id, s.access_version, u.username, s.last_used, s.created_at
            FROM auth_token_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = @sessionId AND s.is_revoked = FALSE
            """, new { sessionId });

    public static Task TouchSessionAsync(DbConnection conn, DbTransaction tx, string sessionId, long now) =>
        conn.ExecuteAsync("UPDATE auth_token_sessions SET last_used = @now WHERE id = @sessionId AND is_revoked = FALSE", new { sessionId, now }, tx);

    public static Task RevokeSessionAsync(DbConnection conn, DbTransaction tx, string? sessionId, long now) =>
        conn.ExecuteAsync("UPDATE auth_token_sessions SET is_revoked = TRUE, updated_at = @now WHERE id = @sessionId", new { sessionId, now }, tx);

    /// <summary>
    /// Counts a failed sign-in in the current window (a window older than <paramref name="windowSeconds"/> starts over);
    /// the <paramref name="threshold"/>th failure locks the account for <paramref name="durationSeconds"/> and returns true.
    /// </summary>
    public static async Task<bool> RecordFailureAsync(DbConnection conn, DbTransaction tx, string userId, long now,
        int threshold, long windowSeconds, long durationSeconds)
    {
        var windowStart = now - (windowSeconds * 1000);
        var attempts = await conn.ExecuteScalarAsync<long>(
            """
            INSERT INTO user_login_lockouts (id, user_id, failed_attempts, window_started_at, locked_until, created_at, updated_at)
            VALUES (@id, @userId, 1, @now, NULL, @now, @now)
            ON CONFLICT (user_id) DO UPDATE SET
                failed_attempts = CASE WHEN user_login_lockouts.window_started_at <= @windowStart THEN 1 ELSE user_login_lockouts.failed_attempts + 1 END,
                window_started_at = CASE WHEN user_login_lockouts.window_started_at <= @windowStart THEN @now ELSE user_login_lockouts.window_started_at END,
                updated_at = @now
            RETURNING failed_attempts
            """, new { id = Data.Ids.New(), userId, now, windowStart }, tx);
        if (attempts < threshold) return false;
        await conn.ExecuteAsync(
            "UPDATE user_login_lockouts SET locked_until = @until, failed_attempts = 0, window_started_at = @now, updated_at = @now WHERE user_id = @userId",
            new { userId, now, until = now + (durationSeconds * 1000) }, tx);
        return true;
    }

    public static Task ResetLockoutAsync(DbConnection conn, DbTransaction tx, string userId) =>
        conn.ExecuteAsync("DELETE FROM user_login_lockouts WHERE user_id = @userId", new { userId }, tx);
}
