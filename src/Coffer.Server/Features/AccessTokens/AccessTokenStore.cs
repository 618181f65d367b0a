using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.AccessTokens;

public static class AccessTokenStore
{
    public const string Columns =
        "id, identity_id, auth_method, identity_ua_client_secret_id, name, access_token_ttl, access_token_max_ttl, " +
        "access_token_num_uses, access_token_num_uses_limit, access_token_period, access_token_last_used_at, " +
        "access_token_last_renewed_at, is_access_token_revoked, sub_organization_id, auth_info, created_at, updated_at";

    private const string Insert =
        """
        INSERT INTO identity_access_tokens (id, identity_id, auth_method, identity_ua_client_secret_id, name,
            access_token_ttl, access_token_max_ttl, access_token_num_uses, access_token_num_uses_limit,
            access_token_period, is_access_token_revoked, sub_organization_id, auth_info, created_at, updated_at)
        VALUES (@Id, @IdentityId, @AuthMethod, @IdentityUaClientSecretId, @Name, @AccessTokenTtl, @AccessTokenMaxTtl,
            0, @AccessTokenNumUsesLimit, @AccessTokenPeriod, FALSE, @SubOrganizationId, @AuthInfo, @CreatedAt, @UpdatedAt)
        """;

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, AccessTokenRow row) => conn.ExecuteAsync(Insert, row, tx);

    public static Task<AccessTokenRow?> FindActiveAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<AccessTokenRow>(
            $"SELECT {Columns} FROM identity_access_tokens WHERE id = @id AND is_access_token_revoked = FALSE", new { id }, tx);

    public static Task<AccessTokenRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<AccessTokenRow>(
            $"SELECT {Columns} FROM identity_access_tokens WHERE id = @id", new { id }, tx);

    public static Task<int> RevokeAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_access_tokens SET is_access_token_revoked = TRUE, updated_at = @now WHERE id = @id AND is_access_token_revoked = FALSE",
            new { id, now }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_access_tokens WHERE id = @id", new { id }, tx);

    /// <summary>Revokes every token an identity got through one auth method (when that method is removed).</summary>
    public static Task<int> RevokeByAuthMethodAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_access_tokens SET is_access_token_revoked = TRUE, updated_at = @now " +
            "WHERE identity_id = @identityId AND auth_method = @authMethod AND is_access_token_revoked = FALSE",
            new { identityId, authMethod, now }, tx);

    /// <summary>Revokes every token minted from a universal-auth client secret (renewals keep the token's row, so they go too).</summary>
    public static Task<int> RevokeByClientSecretAsync(DbConnection conn, DbTransaction tx, string clientSecretId, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_access_tokens SET is_access_token_revoked = TRUE, updated_at = @now " +
            "WHERE identity_ua_client_secret_id = @clientSecretId AND is_access_token_revoked = FALSE",
            new { clientSecretId, now }, tx);

    /// <summary>
    /// Counts one use, atomically: two instances racing for the last use cannot both win.
    /// Returns false when the limit was already reached.
    /// </summary>
    public static async Task<bool> TryConsumeUseAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        await conn.ExecuteAsync(
            "UPDATE identity_access_tokens SET access_token_num_uses = access_token_num_uses + 1, access_token_last_used_at = @now " +
            "WHERE id = @id AND is_access_token_revoked = FALSE AND access_token_num_uses < access_token_num_uses_limit",
            new { id, now }, tx) == 1;

    public static Task<int> MarkRenewedAsync(DbConnection conn, DbTransaction tx, string id, long now) =>
        conn.ExecuteAsync(
            "UPDATE identity_access_tokens SET access_token_last_renewed_at = @now, updated_at = @now WHERE id = @id",
            new { id, now }, tx);

    /// <summary>
    /// What authenticating a request with a live (unrevoked) token needs in one read: the token's limits, its identity,
    /// whether that identity is still in its organization, and the trusted IPs of the auth method that issued it — read
    /// at use, as Infisical does, so narrowing them applies to tokens already issued. Each method's join matches only
    /// for tokens it issued (one index lookup; the others are skipped by their auth_method condition).
    /// </summary>
    public static Task<AccessTokenStateRow?> FindLiveStateAsync(DbConnection conn, string tokenId) =>
        conn.QuerySingleOrDefaultAsync<AccessTokenStateRow>(
            """
            SELECT t.id AS token_id, t.identity_id, t.auth_method, t.identity_ua_client_secret_id AS client_secret_id,
                   t.access_token_ttl AS ttl, t.access_token_max_ttl AS max_ttl, t.access_token_period AS period,
                   t.access_token_num_uses_limit AS num_uses_limit,
                   t.access_token_last_renewed_at AS last_renewed_at, t.created_at, t.auth_info,
                   i.name AS identity_name, i.org_id,
                   CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS in_org,
                   COALESCE(ua.access_token_trusted_ips, ta.access_token_trusted_ips, jwt.access_token_trusted_ips, oidc.access_token_trusted_ips,
                            k8s.access_token_trusted_ips, aws.access_token_trusted_ips, ldap.access_token_trusted_ips) AS trusted_ips
            FROM identity_access_tokens t
            JOIN identities i ON i.id = t.identity_id
            LEFT JOIN org_memberships m ON m.identity_id = i.id AND m.org_id = i.org_id
            LEFT JOIN identity_universal_auths ua ON ua.identity_id = i.id AND t.auth_method = 'universal-auth'
            LEFT JOIN identity_token_auths ta ON ta.identity_id = i.id AND t.auth_method = 'token-auth'
            LEFT JOIN identity_jwt_auths jwt ON jwt.identity_id = i.id AND t.auth_method = 'jwt-auth'
            LEFT JOIN identity_oidc_auths oidc ON oidc.identity_id = i.id AND t.auth_method = 'oidc-auth'
            LEFT JOIN identity_kubernetes_auths k8s ON k8s.identity_id = i.id AND t.auth_method = 'kubernetes-auth'
            LEFT JOIN identity_aws_auths aws ON aws.identity_id = i.id AND t.auth_method = 'aws-auth'
            LEFT JOIN identity_ldap_auths ldap ON ldap.identity_id = i.id AND t.auth_method = 'ldap-auth'
            WHERE t.id = @tokenId AND t.is_access_token_revoked = FALSE
            """, new { tokenId });
}

public sealed class AccessTokenStateRow
{
    public string TokenId { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string AuthMethod { get; init; } = "";
    public string? ClientSecretId { get; init; }
    public long Ttl { get; init; }
    public long MaxTtl { get; init; }
    public long Period { get; init; }
    public long NumUsesLimit { get; init; }
    public long? LastRenewedAt { get; init; }
    public long CreatedAt { get; init; }
    public string IdentityName { get; init; } = "";
    public string OrgId { get; init; } = "";
    public long InOrg { get; init; }
    public string? TrustedIps { get; init; }
    public string? AuthInfo { get; init; }
}

/// <summary>A row of identity_access_tokens.</summary>
public sealed class AccessTokenRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string AuthMethod { get; init; } = "";
    public string? IdentityUaClientSecretId { get; init; }
    public string? Name { get; init; }
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUses { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public long AccessTokenPeriod { get; init; }
    public long? AccessTokenLastUsedAt { get; init; }
    public long? AccessTokenLastRenewedAt { get; init; }
    public bool IsAccessTokenRevoked { get; init; }
    public string? SubOrganizationId { get; init; }

    /// <summary>What the login proved about the caller, as JSON (<see cref="TokenAuthInfo"/>); null when nothing beyond the identity.</summary>
    public string? AuthInfo { get; init; }

    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
