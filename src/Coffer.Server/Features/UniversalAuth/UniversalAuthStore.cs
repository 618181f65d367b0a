using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.UniversalAuth;

public static class UniversalAuthStore
{
    private const string Columns =
        "id, identity_id, client_id, access_token_ttl, access_token_max_ttl, access_token_num_uses_limit, access_token_period, " +
        "client_secret_trusted_ips, access_token_trusted_ips, lockout_enabled, lockout_threshold, lockout_duration_seconds, " +
        "lockout_counter_reset_seconds, created_at, updated_at";

    private const string SecretColumns =
        "id, identity_ua_id, description, client_secret_prefix, client_secret_hash, client_secret_last_used_at, " +
        "client_secret_num_uses, client_secret_num_uses_limit, client_secret_ttl, is_client_secret_revoked, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, UniversalAuthRow row) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_universal_auths ({Columns})
            VALUES (@Id, @IdentityId, @ClientId, @AccessTokenTtl, @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenPeriod,
                    @ClientSecretTrustedIps, @AccessTokenTrustedIps, @LockoutEnabled, @LockoutThreshold, @LockoutDurationSeconds,
                    @LockoutCounterResetSeconds, @CreatedAt, @UpdatedAt)
            """, row, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, UniversalAuthRow row) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_universal_auths SET access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl,
                access_token_num_uses_limit = @AccessTokenNumUsesLimit, access_token_period = @AccessTokenPeriod,
                client_secret_trusted_ips = @ClientSecretTrustedIps, access_token_trusted_ips = @AccessTokenTrustedIps,
                lockout_enabled = @LockoutEnabled, lockout_threshold = @LockoutThreshold,
                lockout_duration_seconds = @LockoutDurationSeconds, lockout_counter_reset_seconds = @LockoutCounterResetSeconds,
                updated_at = @UpdatedAt
            WHERE id = @Id
            """, row, tx);

    public static Task<UniversalAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<UniversalAuthRow>(
            $"SELECT {Columns} FROM identity_universal_auths WHERE identity_id = @identityId", new { identityId }, tx);

    /// <summary>
    /// A login's first read: the configuration by client id together with its lockout row, in one statement (the lockout
    /// key is <c>{lockoutKeyPrefix}{identity id}:{client id}</c>). LockedUntil is null without a lockout row, 0 with one
    /// that holds no lock (a login with no failures on record has nothing to reset).
    /// </summary>
    public static async Task<(UniversalAuthRow Config, long? LockedUntil)?> FindForLoginAsync(DbConnection conn, DbTransaction tx,
        string clientId, string lockoutKeyPrefix)
    {
        var rows = await conn.QueryAsync<UniversalAuthRow, LockoutProbe, (UniversalAuthRow, long?)>(
            $"""
            SELECT {QualifiedColumns}, l.id AS lockout_id, COALESCE(l.locked_until, 0) AS locked_until
            FROM identity_universal_auths ua
            LEFT JOIN auth_lockouts l ON l.lockout_key = @lockoutKeyPrefix || ua.identity_id || ':' || ua.client_id
            WHERE ua.client_id = @clientId
            """,
            (config, lockout) => (config, lockout?.LockoutId is null ? null : lockout.LockedUntil),
            new { clientId, lockoutKeyPrefix }, tx, splitOn: "lockout_id");
        return rows.FirstOrDefault() is { Item1: not null } found ? found : null;
    }

    private static readonly string QualifiedColumns = SqlText.Qualified(Columns, "ua");

    private sealed class LockoutProbe
    {
        public string? LockoutId { get; init; }
        public long LockedUntil { get; init; }
    }

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_universal_auths WHERE id = @id", new { id }, tx);

    public static Task InsertSecretAsync(DbConnection conn, DbTransaction tx, ClientSecretRow row) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_ua_client_secrets ({SecretColumns})
            VALUES (@Id, @IdentityUaId, @Description, @ClientSecretPrefix, @ClientSecretHash, NULL, 0, @ClientSecretNumUsesLimit,
                    @ClientSecretTtl, FALSE, @CreatedAt, @UpdatedAt)
            """, row, tx);

    public static async Task<IReadOnlyList<ClientSecretRow>> ListActiveSecretsAsync(DbConnection conn, string uaId) =>
        (await conn.QueryAsync<ClientSecretRow>(
            $"SELECT {SecretColumns} FROM identity_ua_client_secrets WHERE identity_ua_id = @uaId AND is_client_secret_revoked = FALSE ORDER BY created_at DESC, id",
            new { uaId })).AsList();

    public static Task<ClientSecretRow?> FindSecretAsync(DbConnection conn, string uaId, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<ClientSecretRow>(
            $"SELECT {SecretColumns} FROM identity_ua_client_secrets WHERE identity_ua_id = @uaId AND id = @id", new { uaId, id }, tx);

    /// <summary>Every secret of the config with that prefix, revoked ones included (login tells spent from revoked).</summary>
    public static async Task<IReadOnlyList<ClientSecretRow>> FindByPrefixAsync(DbConnection conn, DbTransaction tx, string uaId, string prefix) =>
        (await conn.QueryAsync<ClientSecretRow>(
            $"SELECT {SecretColumns} FROM identity_ua_client_secrets WHERE identity_ua_id = @uaId AND client_secret_prefix = @prefix",
            new { uaId, prefix }, tx)).AsList();

    public static Task<int> RevokeSecretAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_ua_client_secrets SET is_client_secret_revoked = TRUE, updated_at = @now WHERE id = @id",
            new { id, now }, tx);

    /// <summary>Takes one use of a client secret atomically; false when its limit is already spent (also across instances).</summary>
    public static async Task<bool> TryUseSecretAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        await conn.ExecuteAsync(
            """
            UPDATE identity_ua_client_secrets
            SET client_secret_num_uses = client_secret_num_uses + 1, client_secret_last_used_at = @now
            WHERE id = @id AND is_client_secret_revoked = FALSE
              AND (client_secret_num_uses_limit = 0 OR client_secret_num_uses < client_secret_num_uses_limit)
            """, new { id, now }, tx) == 1;
}
