using System.Data.Common;
using Coffer.Server.Features.Identities;

namespace Coffer.Server.Features.LdapAuth;

public sealed record LdapAuthRow : AuthMethodRow
{
    public string Url { get; init; } = "";
    public string BindDn { get; init; } = "";
    public byte[] EncryptedBindPass { get; init; } = [];
    public string CaCert { get; init; } = "";
    public string SearchBase { get; init; } = "";
    public string SearchFilter { get; init; } = "";
    public string? AllowedFields { get; init; }
    public bool LockoutEnabled { get; init; }
    public long LockoutThreshold { get; init; }
    public long LockoutDurationSeconds { get; init; }
    public long LockoutCounterResetSeconds { get; init; }
}

/// <summary>Identities' LDAP auth configurations: the table and its own columns (queries in <see cref="AuthMethodStore"/>).</summary>
public static class LdapAuthStore
{
    public static readonly AuthMethodSchema Schema = new("identity_ldap_auths",
        "url", "bind_dn", "encrypted_bind_pass", "ca_cert", "search_base", "search_filter", "allowed_fields", "lockout_enabled",
        "lockout_threshold", "lockout_duration_seconds", "lockout_counter_reset_seconds");

    public static Task<LdapAuthRow?> FindByIdentityAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        AuthMethodStore.FindByIdentityAsync<LdapAuthRow>(conn, Schema, identityId, tx);
}
