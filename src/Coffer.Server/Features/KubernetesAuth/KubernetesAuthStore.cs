using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.KubernetesAuth;

public sealed class KubernetesAuthRow : Identities.IAuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string KubernetesHost { get; init; } = "";
    public string CaCert { get; init; } = "";
    public byte[]? EncryptedTokenReviewerJwt { get; init; }
    public string TokenReviewMode { get; init; } = "api";
    public string AllowedNamespaces { get; init; } = "";
    public string AllowedNames { get; init; } = "";
    public string AllowedAudience { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' Kubernetes auth configurations.</summary>
public static class KubernetesAuthStore
{
    private const string Columns =
        "id, identity_id, kubernetes_host, ca_cert, encrypted_token_reviewer_jwt, token_review_mode, allowed_namespaces, allowed_names, " +
        "allowed_audience, access_token_ttl, access_token_max_ttl, access_token_num_uses_limit, access_token_trusted_ips, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, KubernetesAuthRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_kubernetes_auths ({Columns})
            VALUES (@Id, @IdentityId, @KubernetesHost, @CaCert, @EncryptedTokenReviewerJwt, @TokenReviewMode, @AllowedNamespaces, @AllowedNames,
                    @AllowedAudience, @AccessTokenTtl, @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenTrustedIps, @CreatedAt, @UpdatedAt)
            """, r, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, KubernetesAuthRow r) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_kubernetes_auths
            SET kubernetes_host = @KubernetesHost, ca_cert = @CaCert, encrypted_token_reviewer_jwt = @EncryptedTokenReviewerJwt,
                token_review_mode = @TokenReviewMode, allowed_namespaces = @AllowedNamespaces, allowed_names = @AllowedNames,
                allowed_audience = @AllowedAudience, access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl,
                access_token_num_uses_limit = @AccessTokenNumUsesLimit, access_token_trusted_ips = @AccessTokenTrustedIps, updated_at = @UpdatedAt
            WHERE id = @Id
            """, r, tx);

    public static Task<KubernetesAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<KubernetesAuthRow>(
            $"SELECT {Columns} FROM identity_kubernetes_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_kubernetes_auths WHERE id = @id", new { id }, tx);
}
