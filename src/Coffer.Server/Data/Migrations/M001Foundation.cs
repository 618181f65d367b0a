namespace Coffer.Server.Data.Migrations;

/// <summary>Instance, users, organizations, machine identities with their auth methods and tokens, audit log.</summary>
public sealed class M001Foundation : Migration
{
    public override int Id => 1;
    public override string Name => "foundation";

    public override void Up(SchemaBuilder schema)
    {
        // Counters that other instances read on every request to learn that cached security state is stale.
        schema.CreateTable("coffer_state", t => t.Column("key", ColumnType.Text).Long("value"));
        schema.Index("coffer_state", "ux_coffer_state_key", true, "key");
        schema.Sql("INSERT INTO coffer_state (key, value) VALUES ('security_epoch', 0)");

        schema.CreateTable("server_config", t => t
            .Id()
            .Bool("initialized")
            .Json("admin_identity_ids")
            .Timestamps());

        schema.CreateTable("users", t => t
            .Id()
            .Text("email")
            .Text("username")
            .Text("first_name", nullable: true)
            .Text("last_name", nullable: true)
            .Text("password_hash")
            .Bool("super_admin")
            .Bool("is_accepted", true)
            .Bool("is_email_verified")
            .Json("auth_methods")
            .Timestamps()
            .Unique("username"));

        schema.CreateTable("organizations", t => t
            .Id()
            .Text("name")
            .Text("slug")
            .Bool("should_use_new_privilege_system", true)
            .Timestamps()
            .Unique("slug"));

        schema.CreateTable("org_roles", t => t
            .Id()
            .References("org_id", "organizations")
            .Text("name")
            .Text("slug")
            .Text("description", nullable: true)
            .Json("permissions")
            .Timestamps()
            .Unique("org_id", "slug"));

        schema.CreateTable("identities", t => t
            .Id()
            .References("org_id", "organizations")
            .Text("name")
            .Text("auth_method", nullable: true)
            .Bool("has_delete_protection")
            .Column("project_id", ColumnType.Id, nullable: true)
            .Timestamps());

        schema.CreateTable("identity_metadata", t => t
            .Id()
            .References("identity_id", "identities")
            .Column("org_id", ColumnType.Id)
            .Text("key")
            .Text("value")
            .Timestamps());

        schema.CreateTable("org_memberships", t => t
            .Id()
            .References("org_id", "organizations")
            .Text("actor_type")
            .References("user_id", "users", nullable: true)
            .References("identity_id", "identities", nullable: true)
            .Text("role")
            .References("role_id", "org_roles", nullable: true, cascade: false)
            .Bool("is_active", true)
            .Text("last_login_auth_method", nullable: true)
            .Time("last_login_time", nullable: true)
            .Timestamps()
            .Unique("org_id", "identity_id")
            .Unique("org_id", "user_id"));

        schema.CreateTable("identity_universal_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("client_id")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Long("access_token_period")
            .Json("client_secret_trusted_ips")
            .Json("access_token_trusted_ips")
            .Bool("lockout_enabled", true)
            .Long("lockout_threshold", 3)
            .Long("lockout_duration_seconds", 300)
            .Long("lockout_counter_reset_seconds", 30)
            .Timestamps()
            .Unique("identity_id")
            .Unique("client_id"));

        schema.CreateTable("identity_ua_client_secrets", t => t
            .Id()
            .References("identity_ua_id", "identity_universal_auths")
            .Text("description")
            .Text("client_secret_prefix")
            .Text("client_secret_hash")
            .Time("client_secret_last_used_at", nullable: true)
            .Long("client_secret_num_uses")
            .Long("client_secret_num_uses_limit")
            .Long("client_secret_ttl")
            .Bool("is_client_secret_revoked")
            .Timestamps()
            .Index("identity_ua_id", "client_secret_prefix"));

        schema.CreateTable("identity_token_auths", t => t
            .Id()
            .References("identity_id", "identities")
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses_limit")
            .Long("access_token_period")
            .Json("access_token_trusted_ips")
            .Timestamps()
            .Unique("identity_id"));

        schema.CreateTable("identity_access_tokens", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("auth_method")
            .Column("identity_ua_client_secret_id", ColumnType.Id, nullable: true)
            .Text("name", nullable: true)
            .Long("access_token_ttl")
            .Long("access_token_max_ttl")
            .Long("access_token_num_uses")
            .Long("access_token_num_uses_limit")
            .Long("access_token_period")
            .Time("access_token_last_used_at", nullable: true)
            .Time("access_token_last_renewed_at", nullable: true)
            .Bool("is_access_token_revoked")
            .Column("sub_organization_id", ColumnType.Id, nullable: true)
            .Timestamps());

        schema.CreateTable("auth_lockouts", t => t
            .Id()
            .References("identity_id", "identities")
            .Text("auth_method")
            .Text("lockout_key")
            .Long("failed_attempts")
            .Time("window_started_at")
            .Time("locked_until", nullable: true)
            .Timestamps()
            .Unique("lockout_key"));

        // No foreign keys: the trail must outlive what it describes.
        schema.CreateTable("audit_logs", t => t
            .Id()
            .Column("org_id", ColumnType.Id, nullable: true)
            .Column("project_id", ColumnType.Id, nullable: true)
            .Text("actor_type")
            .Text("actor_id", nullable: true)
            .Json("actor_metadata")
            .Text("event_type")
            .Json("event_metadata")
            .Text("ip_address", nullable: true)
            .Text("user_agent", nullable: true)
            .Text("user_agent_type", nullable: true)
            .Time("created_at")
            .Index("org_id", "created_at")
            .Index("project_id", "created_at"));
    }
}
