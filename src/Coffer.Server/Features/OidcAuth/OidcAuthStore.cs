using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.OidcAuth;

public sealed class OidcAuthRow : Identities.IAuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string OidcDiscoveryUrl { get; init; } = "";
    public string CaCert { get; init; } = "";
    public string BoundIssuer { get; init; } = "";
    public string BoundAudiences { get; init; } = "";
    public string BoundClaims { get; init; } = "{}";
    public string? ClaimMetadataMapping { get; init; }
    public string BoundSubject { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' OIDC auth configurations.</summary>
public static class OidcAuthStore
{
    private const string Columns =
        "id, identity_id, oidc_discovery_url, ca_cert, bound_issuer, bound_audiences, bound_claims, claim_metadata_mapping, bound_subject, " +
        "access_token_ttl, access_token_max_ttl, access_token_num_uses_limit, access_token_trusted_ips, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, OidcAuthRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_oidc_auths ({Columns})
            VALUES (@Id, @IdentityId, @OidcDiscoveryUrl, @CaCert, @BoundIssuer, @BoundAudiences, @BoundClaims, @ClaimMetadataMapping, @BoundSubject,
                    @AccessTokenTtl, @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenTrustedIps, @CreatedAt, @UpdatedAt)
            """, r, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, OidcAuthRow r) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_oidc_auths
            SET oidc_discovery_url = @OidcDiscoveryUrl, ca_cert = @CaCert, bound_issuer = @BoundIssuer, bound_audiences = @BoundAudiences,
                bound_claims = @BoundClaims, claim_metadata_mapping = @ClaimMetadataMapping, bound_subject = @BoundSubject,
                access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl, access_token_num_uses_limit = @AccessTokenNumUsesLimit,
                access_token_trusted_ips = @AccessTokenTrustedIps, updated_at = @UpdatedAt
            WHERE id = @Id
            """, r, tx);

    public static Task<OidcAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<OidcAuthRow>($"SELECT {Columns} FROM identity_oidc_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_oidc_auths WHERE id = @id", new { id }, tx);
}
