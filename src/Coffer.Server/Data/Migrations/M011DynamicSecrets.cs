namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Dynamic secrets (Infisical's <c>/api/v1/dynamic-secrets</c>): a provider configuration in a folder, its inputs (root
/// credentials among them) sealed under the project's data key; and the leases taken on it. A lease row is written
/// before its database user is created and deleted only once the provider confirmed the user is gone, so the
/// revoker — any instance, after any restart — finds every user that may still exist. <c>claimed_until</c> lets one
/// instance at a time work on a lease; <c>next_attempt_at</c> spaces the retries of a provider that failed.
/// </summary>
public sealed class M011DynamicSecrets : Migration
{
    public override int Id => 11;
    public override string Name => "dynamic-secrets";

    public override void Up(SchemaBuilder schema)
    {
        schema.CreateTable("dynamic_secrets", t => t
            .Id()
            .References("project_id", "projects")
            .References("folder_id", "secret_folders")
            .Text("name")
            .Text("type")
            .Long("version", 1)
            .Text("default_ttl")
            .Text("max_ttl", nullable: true)
            .Text("username_template", nullable: true)
            .Long("key_version")
            .Bytes("encrypted_value")
            .Json("metadata")
            .Text("status", nullable: true)
            .Text("status_details", nullable: true)
            .Timestamps()
            .Unique("folder_id", "name"));
        schema.Index("dynamic_secrets", "ix_dynamic_secrets_project_id_key_version", false, "project_id", "key_version");

        schema.CreateTable("dynamic_secret_leases", t => t
            .Id()
            .References("dynamic_secret_id", "dynamic_secrets")
            .References("project_id", "projects")
            .Long("version", 1)
            .Text("external_entity_id")
            .Time("expire_at")
            .Text("status", nullable: true)
            .Text("status_details", nullable: true)
            .Long("revoke_attempts")
            .Time("next_attempt_at")
            .Time("claimed_until", nullable: true)
            .Text("claimed_by", nullable: true)
            .Timestamps());
        schema.Index("dynamic_secret_leases", "ix_dynamic_secret_leases_next_attempt_at", false, "next_attempt_at");
    }
}
