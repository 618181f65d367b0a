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

    /// <summary>
    /// For a method whose proof is checked elsewhere (an LDAP bind) and so outside the write unit: counts the attempt
    /// before it is made, in one atomic upsert, and refuses it while the key is locked. The attempt that reaches the
    /// threshold locks the key and is still made; a success then clears the key with <see cref="ResetAsync"/>.
    /// Concurrent attempts cannot all slip past the check: each one takes its place in the count first.
    /// </summary>
    public static async Task<LockoutClaim> ClaimAttemptAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod,
        string key, long now, long windowSeconds, long threshold, long durationSeconds)
    {
        var windowStart = now - (windowSeconds * 1000);
        var (attempts, lockedUntil) = await conn.QuerySingleAsync<(long, long?)>(
            """
            INSERT INTO auth_lockouts (id, identity_id, auth_method, lockout_key, failed_attempts, window_started_at, locked_until, created_at, updated_at)
            VALUES (@id, @identityId, @authMethod, @key, 1, @now, NULL, @now, @now)
            ON CONFLICT (lockout_key) DO UPDATE SET
                failed_attempts = CASE WHEN auth_lockouts.locked_until > @now THEN auth_lockouts.failed_attempts
                                       WHEN auth_lockouts.window_started_at <= @windowStart THEN 1 ELSE auth_lockouts.failed_attempts + 1 END,
                window_started_at = CASE WHEN auth_lockouts.locked_until > @now THEN auth_lockouts.window_started_at
                                         WHEN auth_lockouts.window_started_at <= @windowStart THEN @now ELSE auth_lockouts.window_started_at END,
                updated_at = @now
            RETURNING failed_attempts, locked_until
            """,
            new { id = Ids.New(), identityId, authMethod, key, now, windowStart }, tx);
        if (lockedUntil > now) return LockoutClaim.Locked;
        if (attempts < threshold) return LockoutClaim.Allowed;
        await conn.ExecuteAsync(
            "UPDATE auth_lockouts SET locked_until = @until, failed_attempts = 0, window_started_at = @now, updated_at = @now WHERE lockout_key = @key",
            new { key, now, until = now + (durationSeconds * 1000) }, tx);
        return LockoutClaim.AllowedAndLocks;
    }

    /// <summary>Gives back an attempt claimed by <see cref="ClaimAttemptAsync"/> that proved nothing either way (the server could not be asked).</summary>
    public static Task ReleaseAttemptAsync(DbConnection conn, DbTransaction tx, string key, LockoutClaim claim, long threshold, long now) =>
        claim == LockoutClaim.AllowedAndLocks
            ? conn.ExecuteAsync(
                "UPDATE auth_lockouts SET locked_until = NULL, failed_attempts = @attempts, updated_at = @now WHERE lockout_key = @key",
                new { key, attempts = Math.Max(threshold - 1, 0), now }, tx)
            : conn.ExecuteAsync(
                "UPDATE auth_lockouts SET failed_attempts = failed_attempts - 1, updated_at = @now " +
                "WHERE lockout_key = @key AND failed_attempts > 0 AND (locked_until IS NULL OR locked_until <= @now)",
                new { key, now }, tx);

    /// <summary>The write a failed login makes, aimed at a key that has no row: same cost, no state.</summary>
    public static Task TouchAsync(DbConnection conn, DbTransaction tx, string key, long now) =>
        conn.ExecuteAsync("UPDATE auth_lockouts SET updated_at = @now WHERE lockout_key = @key", new { key, now }, tx);

    public static Task ResetAsync(DbConnection conn, DbTransaction tx, string key) =>
        conn.ExecuteAsync("DELETE FROM auth_lockouts WHERE lockout_key = @key", new { key }, tx);

    public static Task<int> ClearAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod) =>
        conn.ExecuteAsync("DELETE FROM auth_lockouts WHERE identity_id = @identityId AND auth_method = @authMethod",
            new { identityId, authMethod }, tx);
}

public enum LockoutClaim
{
    /// <summary>The key is locked: the attempt must not be made.</summary>
    Locked,

    /// <summary>The attempt is counted and may be made.</summary>
    Allowed,

    /// <summary>The attempt is counted, may be made, and reached the threshold: the key is locked unless it succeeds.</summary>
    AllowedAndLocks,
}
