using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.JwtAuth;

public sealed class JwtAuthRow : Identities.IAuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string ConfigurationType { get; init; } = "";
    public string JwksUrl { get; init; } = "";
    public string JwksCaCert { get; init; } = "";
    public string PublicKeys { get; init; } = "[]";
    public string BoundIssuer { get; init; } = "";
    public string BoundAudiences { get; init; } = "";
    public string BoundClaims { get; init; } = "{}";
    public string BoundSubject { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' JWT auth configurations.</summary>
public static class JwtAuthStore
{
    private const string Columns =
        "id, identity_id, configuration_type, jwks_url, jwks_ca_cert, public_keys, bound_issuer, bound_audiences, bound_claims, bound_subject, " +
        "access_token_ttl, access_token_max_ttl, access_token_num_uses_limit, access_token_trusted_ips, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, JwtAuthRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_jwt_auths ({Columns})
            VALUES (@Id, @IdentityId, @ConfigurationType, @JwksUrl, @JwksCaCert, @PublicKeys, @BoundIssuer, @BoundAudiences, @BoundClaims,
                    @BoundSubject, @AccessTokenTtl, @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenTrustedIps, @CreatedAt, @UpdatedAt)
            """, r, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, JwtAuthRow r) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_jwt_auths
            SET configuration_type = @ConfigurationType, jwks_url = @JwksUrl, jwks_ca_cert = @JwksCaCert, public_keys = @PublicKeys,
                bound_issuer = @BoundIssuer, bound_audiences = @BoundAudiences, bound_claims = @BoundClaims, bound_subject = @BoundSubject,
                access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl, access_token_num_uses_limit = @AccessTokenNumUsesLimit,
                access_token_trusted_ips = @AccessTokenTrustedIps, updated_at = @UpdatedAt
            WHERE id = @Id
            """, r, tx);

    public static Task<JwtAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<JwtAuthRow>($"SELECT {Columns} FROM identity_jwt_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_jwt_auths WHERE id = @id", new { id }, tx);
}
