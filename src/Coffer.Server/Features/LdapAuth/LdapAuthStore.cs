using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.LdapAuth;

public sealed class LdapAuthRow : Identities.IAuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string Url { get; init; } = "";
    public string BindDn { get; init; } = "";
    public byte[] EncryptedBindPass { get; init; } = [];
    public string CaCert { get; init; } = "";
    public string SearchBase { get; init; } = "";
    public string SearchFilter { get; init; } = "";
    public string? AllowedFields { get; init; }
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public bool LockoutEnabled { get; init; }
    public long LockoutThreshold { get; init; }
    public long LockoutDurationSeconds { get; init; }
    public long LockoutCounterResetSeconds { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' LDAP auth configurations.</summary>
public static class LdapAuthStore
{
    private const string Columns =
        "id, identity_id, url, bind_dn, encrypted_bind_pass, ca_cert, search_base, search_filter, allowed_fields, access_token_ttl, " +
        "access_token_max_ttl, access_token_num_uses_limit, access_token_trusted_ips, lockout_enabled, lockout_threshold, " +
        "lockout_duration_seconds, lockout_counter_reset_seconds, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, LdapAuthRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO identity_ldap_auths ({Columns})
            VALUES (@Id, @IdentityId, @Url, @BindDn, @EncryptedBindPass, @CaCert, @SearchBase, @SearchFilter, @AllowedFields, @AccessTokenTtl,
                    @AccessTokenMaxTtl, @AccessTokenNumUsesLimit, @AccessTokenTrustedIps, @LockoutEnabled, @LockoutThreshold,
                    @LockoutDurationSeconds, @LockoutCounterResetSeconds, @CreatedAt, @UpdatedAt)
            """, r, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, LdapAuthRow r) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_ldap_auths
            SET url = @Url, bind_dn = @BindDn, encrypted_bind_pass = @EncryptedBindPass, ca_cert = @CaCert, search_base = @SearchBase,
                search_filter = @SearchFilter, allowed_fields = @AllowedFields, access_token_ttl = @AccessTokenTtl,
                access_token_max_ttl = @AccessTokenMaxTtl, access_token_num_uses_limit = @AccessTokenNumUsesLimit,
                access_token_trusted_ips = @AccessTokenTrustedIps, lockout_enabled = @LockoutEnabled, lockout_threshold = @LockoutThreshold,
                lockout_duration_seconds = @LockoutDurationSeconds, lockout_counter_reset_seconds = @LockoutCounterResetSeconds,
                updated_at = @UpdatedAt
            WHERE id = @Id
            """, r, tx);

    public static Task<LdapAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<LdapAuthRow>(
            $"SELECT {Columns} FROM identity_ldap_auths WHERE identity_id = @identityId", new { identityId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_ldap_auths WHERE id = @id", new { id }, tx);
}
