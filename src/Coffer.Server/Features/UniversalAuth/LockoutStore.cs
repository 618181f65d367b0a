using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.UniversalAuth;

/// <summary>
/// Failed-login counters and lockouts, kept in the database so every instance sees the same count.
/// Each failure is one atomic upsert: concurrent failures on two instances cannot both read the old count.
/// </summary>
public static class LockoutStore
{
    /// <summary>Counts a failure in the current window; returns true when this failure locks the method.</summary>
    public static async Task<bool> RecordFailureAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod,
        string key, long now, long windowSeconds, long threshold, long durationSeconds)
    {
        var windowStart = now - (windowSeconds * 1000);
        var attempts = await conn.ExecuteScalarAsync<long>(
            """
            INSERT INTO auth_lockouts (id, identity_id, auth_method, lockout_key, failed_attempts, window_started_at, locked_until, created_at, updated_at)
            VALUES (@id, @identityId, @authMethod, @key, 1, @now, NULL, @now, @now)
            ON CONFLICT (lockout_key) DO UPDATE SET
                failed_attempts = CASE WHEN auth_lockouts.window_started_at <= @windowStart THEN 1 ELSE auth_lockouts.failed_attempts + 1 END,
                window_started_at = CASE WHEN auth_lockouts.window_started_at <= @windowStart THEN @now ELSE auth_lockouts.window_started_at END,
                updated_at = @now
            RETURNING failed_attempts
            """,
            new { id = Ids.New(), identityId, authMethod, key, now, windowStart }, tx);
        if (attempts < threshold) return false;
        await conn.ExecuteAsync(
            "UPDATE auth_lockouts SET locked_until = @until, failed_attempts = 0, window_started_at = @now, updated_at = @now WHERE lockout_key = @key",
            new { key, now, until = now + (durationSeconds * 1000) }, tx);
        return true;
    }

    /// <summary>The write a failed login makes, aimed at a key that has no row: same cost, no state.</summary>
    public static Task TouchAsync(DbConnection conn, DbTransaction tx, string key, long now) =>
        conn.ExecuteAsync("UPDATE auth_lockouts SET updated_at = @now WHERE lockout_key = @key", new { key, now }, tx);

    public static Task ResetAsync(DbConnection conn, DbTransaction tx, string key) =>
        conn.ExecuteAsync("DELETE FROM auth_lockouts WHERE lockout_key = @key", new { key }, tx);

    public static Task<int> ClearAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod) =>
        conn.ExecuteAsync("DELETE FROM auth_lockouts WHERE identity_id = @identityId AND auth_method = @authMethod",
            new { identityId, authMethod }, tx);
}
