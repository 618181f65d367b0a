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

    private const string ByClientId = $"SELECT {Columns} FROM identity_universal_auths WHERE client_id = @clientId";

    /// <remarks>Inside the SQLite writer (every login), read through SQLite's own API and mapped by hand.</remarks>
    public static Task<UniversalAuthRow?> FindByClientIdAsync(DbConnection conn, string clientId, DbTransaction? tx = null) =>
        conn is StatementCachingConnection cached
            ? Task.FromResult(cached.Statement(ByClientId).With(("@clientId", clientId)).SingleOrDefault(ReadUniversalAuth))
            : conn.QuerySingleOrDefaultAsync<UniversalAuthRow>(ByClientId, new { clientId }, tx);

    // Column order as in Columns.
    private static readonly Func<RawRow, UniversalAuthRow> ReadUniversalAuth = r => new UniversalAuthRow
    {
        Id = r.Text(0),
        IdentityId = r.Text(1),
        ClientId = r.Text(2),
        AccessTokenTtl = r.Int64(3),
        AccessTokenMaxTtl = r.Int64(4),
        AccessTokenNumUsesLimit = r.Int64(5),
        AccessTokenPeriod = r.Int64(6),
        ClientSecretTrustedIps = r.Text(7, "[]"),
        AccessTokenTrustedIps = r.Text(8, "[]"),
        LockoutEnabled = r.Boolean(9),
        LockoutThreshold = r.Int64(10),
        LockoutDurationSeconds = r.Int64(11),
        LockoutCounterResetSeconds = r.Int64(12),
        CreatedAt = r.Int64(13),
        UpdatedAt = r.Int64(14),
    };

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
        conn is StatementCachingConnection cached
            ? cached.Statement(ByPrefix).With(("@uaId", uaId), ("@prefix", prefix)).Query(ReadClientSecret)
            : (await conn.QueryAsync<ClientSecretRow>(ByPrefix, new { uaId, prefix }, tx)).AsList();

    private const string ByPrefix =
        $"SELECT {SecretColumns} FROM identity_ua_client_secrets WHERE identity_ua_id = @uaId AND client_secret_prefix = @prefix";

    // Column order as in SecretColumns.
    private static readonly Func<RawRow, ClientSecretRow> ReadClientSecret = r => new ClientSecretRow
    {
        Id = r.Text(0),
        IdentityUaId = r.Text(1),
        Description = r.Text(2),
        ClientSecretPrefix = r.Text(3),
        ClientSecretHash = r.Text(4),
        ClientSecretLastUsedAt = r.NullableInt64(5),
        ClientSecretNumUses = r.Int64(6),
        ClientSecretNumUsesLimit = r.Int64(7),
        ClientSecretTtl = r.Int64(8),
        IsClientSecretRevoked = r.Boolean(9),
        CreatedAt = r.Int64(10),
        UpdatedAt = r.Int64(11),
    };

    public static Task<int> RevokeSecretAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_ua_client_secrets SET is_client_secret_revoked = TRUE, updated_at = @now WHERE id = @id",
            new { id, now }, tx);

    private const string UseSecret =
        """
        UPDATE identity_ua_client_secrets
        SET client_secret_num_uses = client_secret_num_uses + 1, client_secret_last_used_at = @now
        WHERE id = @id AND is_client_secret_revoked = FALSE
          AND (client_secret_num_uses_limit = 0 OR client_secret_num_uses < client_secret_num_uses_limit)
        """;

    /// <summary>Takes one use of a client secret atomically; false when its limit is already spent (also across instances).</summary>
    public static async Task<bool> TryUseSecretAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        (conn is StatementCachingConnection cached
            ? cached.Statement(UseSecret).With(("@id", id), ("@now", now)).ExecuteNonQuery()
            : await conn.ExecuteAsync(UseSecret, new { id, now }, tx)) == 1;
}
