namespace Coffer.Server.Data.Migrations;

/// <summary>
/// LDAP auth (Infisical's <c>identity_ldap_auths</c>): a machine logs in with a directory user's name and password,
/// which Coffer checks by binding to the configured LDAP server. The bind password Coffer searches with is a credential,
/// sealed under the auth-method credentials server key; the bind DN, URL and CA certificate are not secret.
/// </summary>
public sealed class M016LdapAuth : Migration
{
    public override int Id => 16;
    public override string Name => "ldap-auth";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("identity_ldap_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("url")
            .Text("bind_dn")
            .Bytes("encrypted_bind_pass")
            .Text("ca_cert")
            .Text("search_base")
            .Text("search_filter")
            .Json("allowed_fields", nullable: true)
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Json("access_token_trusted_ips")
            .Bool("lockout_enabled", true)
            .Long("lockout_threshold", 3)
            .Long("lockout_duration_seconds", 300)
            .Long("lockout_counter_reset_seconds", 30)
            .Timestamps()
            .Unique("identity_id"));
}
