using System.Data.Common;
using Coffer.Server.Features.AccessTokens;
using Dapper;

namespace Coffer.Server.Features.TokenAuth;

public static class TokenAuthStore
{
    private const string Columns =
        "id, identity_id, access_token_ttl, access_token_max_ttl, access_token_num_uses_limit, access_token_period, " +
        "access_token_trusted_ips, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, TokenAuthRow row) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_token_auths ({Columns})
            VALUES (@Id, @IdentityId, @AccessTokenTtl, @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenPeriod,
                    @AccessTokenTrustedIps, @CreatedAt, @UpdatedAt)
            """, row, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, TokenAuthRow row) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_token_auths SET access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl,
                access_token_num_uses_limit = @AccessTokenNumUsesLimit, access_token_period = @AccessTokenPeriod,
                access_token_trusted_ips = @AccessTokenTrustedIps, updated_at = @UpdatedAt
            WHERE id = @Id
            """, row, tx);

    public static Task<TokenAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<TokenAuthRow>(
            $"SELECT {Columns} FROM identity_token_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_token_auths WHERE id = @id", new { id }, tx);

    public static async Task<IReadOnlyList<AccessTokenRow>> ListTokensAsync(DbConnection conn, string identityId, int offset, int limit) =>
        (await conn.QueryAsync<AccessTokenRow>(
            $"SELECT {AccessTokenStore.Columns} FROM identity_access_tokens WHERE identity_id = @identityId AND auth_method = 'token-auth' " +
            "AND is_access_token_revoked = FALSE ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset",
            new { identityId, offset, limit })).AsList();

    public static Task<int> RenameTokenAsync(DbConnection conn, DbTransaction tx, string id, string name, long now) =>
        conn.ExecuteAsync("UPDATE identity_access_tokens SET name = @name, updated_at = @now WHERE id = @id", new { id, name, now }, tx);
}

public sealed class TokenAuthRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public long AccessTokenPeriod { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
