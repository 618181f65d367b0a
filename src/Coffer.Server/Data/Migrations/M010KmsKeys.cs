namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Customer-managed keys (Infisical's <c>/api/v1/kms/keys</c>): a key belongs to a project and has numbered versions;
/// each version's material is sealed under the project's data key like a secret value (<c>key_version</c> names which
/// data key, so a data-key rotation re-seals it), and a signing key's public half is kept beside it in the clear.
/// </summary>
public sealed class M010KmsKeys : Migration
{
    public override int Id => 10;
    public override string Name => "kms-keys";

    public override void Up(SchemaBuilder schema)
    {
        schema.CreateTable("kms_keys", t => t
            .Id()
            .References("org_id", "organizations")
            .References("project_id", "projects")
            .Text("name")
            .Text("description", nullable: true)
            .Bool("is_disabled")
            .Text("key_usage")
            .Text("algorithm")
            .Long("version", 1)
            .Long("min_decryption_version", 1)
            .Timestamps()
            .Unique("project_id", "name"));

        schema.CreateTable("kms_key_versions", t => t
            .Id()
            .References("kms_key_id", "kms_keys")
            .References("project_id", "projects")
            .Long("version")
            .Long("key_version")
            .Bytes("encrypted_value")
            .Bytes("public_key", nullable: true)
            .Timestamps()
            .Unique("kms_key_id", "version"));
        schema.Index("kms_key_versions", "ix_kms_key_versions_project_id_key_version", false, "project_id", "key_version");
    }
}
