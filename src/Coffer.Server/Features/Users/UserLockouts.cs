using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Users;

/// <summary>
/// Per-account lockout of user sign-ins: <see cref="Threshold"/> failures within <see cref="WindowSeconds"/> lock the
/// account for <see cref="DurationSeconds"/>, during which even the right password is refused. The counters live in
/// the database, so every instance counts together; the lock ends on its own.
/// </summary>
public static class UserLockouts
{
    public const int Threshold = 5;
    public const long WindowSeconds = 900;
    public const long DurationSeconds = 900;

    public static Task<long?> LockedUntilAsync(DbConnection conn, DbTransaction tx, string userId) =>
        conn.QuerySingleOrDefaultAsync<long?>("SELECT locked_until FROM user_login_lockouts WHERE user_id = @userId", new { userId }, tx);

    /// <summary>Counts a failure in the current window; returns true when this failure locks the account.</summary>
    public static async Task<bool> RecordFailureAsync(DbConnection conn, DbTransaction tx, string userId, long now)
    {
        var windowStart = now - (WindowSeconds * 1000);
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
        if (attempts < Threshold) return false;
        await conn.ExecuteAsync(
            "UPDATE user_login_lockouts SET locked_until = @until, failed_attempts = 0, window_started_at = @now, updated_at = @now WHERE user_id = @userId",
            new { userId, now, until = now + (DurationSeconds * 1000) }, tx);
        return true;
    }

    public static Task ResetAsync(DbConnection conn, DbTransaction tx, string userId) =>
        conn.ExecuteAsync("DELETE FROM user_login_lockouts WHERE user_id = @userId", new { userId }, tx);
}
