using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.AwsAuth;

public sealed class AwsAuthRow : Identities.IAuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string StsEndpoint { get; init; } = "";
    public string AllowedPrincipalArns { get; init; } = "";
    public string AllowedAccountIds { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' AWS IAM auth configurations.</summary>
public static class AwsAuthStore
{
    private const string Columns =
        "id, identity_id, sts_endpoint, allowed_principal_arns, allowed_account_ids, access_token_ttl, access_token_max_ttl, " +
        "access_token_num_uses_limit, access_token_trusted_ips, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, AwsAuthRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_aws_auths ({Columns})
            VALUES (@Id, @IdentityId, @StsEndpoint, @AllowedPrincipalArns, @AllowedAccountIds, @AccessTokenTtl, @AccessTokenMaxTtl,
                    @AccessTokenNumUsesLimit, @AccessTokenTrustedIps, @CreatedAt, @UpdatedAt)
            """, r, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, AwsAuthRow r) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_aws_auths
            SET sts_endpoint = @StsEndpoint, allowed_principal_arns = @AllowedPrincipalArns, allowed_account_ids = @AllowedAccountIds,
                access_token_ttl = @AccessTokenTtl, access_token_max_ttl = @AccessTokenMaxTtl, access_token_num_uses_limit = @AccessTokenNumUsesLimit,
                access_token_trusted_ips = @AccessTokenTrustedIps, updated_at = @UpdatedAt
            WHERE id = @Id
            """, r, tx);

    public static Task<AwsAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<AwsAuthRow>($"SELECT {Columns} FROM identity_aws_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_aws_auths WHERE id = @id", new { id }, tx);
}
