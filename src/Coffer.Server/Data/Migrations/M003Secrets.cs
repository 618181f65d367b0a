namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Secrets and what hangs off them: per-project data keys (stored only wrapped), a per-project change counter that
/// read caches are checked against, secrets with their version history, tags and imports.
/// Values, comments and metadata are AES-256-GCM blobs; nothing secret is stored in plaintext.
/// </summary>
public sealed class M003Secrets : Migration
{
    public override int Id => 3;
    public override string Name => "secrets";

    public override void Up(SchemaBuilder schema)
    {
        // One random key per project, wrapped under the root key; root-key rotation rewraps these rows only.
        schema.CreateTable("project_data_keys", t => t
            .Id()
            .References("project_id", "projects")
            .Bytes("wrapped_key")
            .Text("root_key_id")
            .Timestamps()
            .Unique("project_id"));

        // Keys the server itself needs (the client-secret HMAC key), wrapped like data keys so rotation covers them.
        schema.CreateTable("server_keys", t => t
            .Id()
            .Text("purpose")
            .Bytes("wrapped_key")
            .Text("root_key_id")
            .Timestamps()
            .Unique("purpose"));

        // Bumped in the same transaction as every change to a project's folders, secrets, imports or tags; every
        // instance compares it with what its caches were built from, so a change is seen on the next request.
        schema.CreateTable("project_content_versions", t => t
            .Id()
            .References("project_id", "projects")
            .Long("version")
            .Unique("project_id"));

        // Infisical's folders carry the time a secret inside last changed (the SDK filters on it).
        schema.AddColumn("secret_folders", "last_secret_modified", ColumnType.Time);
        // Two folders of one name under one parent would make paths ambiguous; the root (parent NULL) is one per environment.
        schema.Index("secret_folders", "ux_secret_folders_env_id_parent_id_name", true, "env_id", "parent_id", "name");

        schema.CreateTable("secrets", t => t
            .Id()
            .References("project_id", "projects")
            .References("folder_id", "secret_folders")
            .Text("key")
            .Text("type")
            .References("user_id", "users", nullable: true)
            // "" for shared secrets, the user id for personal overrides: one unique index covers both.
            .Text("owner_key")
            .Long("version", 1)
            .Bytes("encrypted_value")
            .Bytes("encrypted_comment", nullable: true)
            .Bytes("encrypted_metadata", nullable: true)
            .Bool("skip_multiline_encoding")
            .Text("reminder_note", nullable: true)
            .Long("reminder_repeat_days", null, nullable: true)
            .Timestamps()
            .Unique("folder_id", "key", "owner_key"));

        schema.CreateTable("secret_versions", t => t
            .Id()
            .References("secret_id", "secrets")
            .Column("project_id", ColumnType.Id)
            .Column("folder_id", ColumnType.Id)
            .Text("key")
            .Text("type")
            .Column("user_id", ColumnType.Id, nullable: true)
            .Long("version")
            .Bytes("encrypted_value")
            .Bytes("encrypted_comment", nullable: true)
            .Bytes("encrypted_metadata", nullable: true)
            .Bool("skip_multiline_encoding")
            .Text("reminder_note", nullable: true)
            .Long("reminder_repeat_days", null, nullable: true)
            .Text("actor_type", nullable: true)
            .Column("actor_id", ColumnType.Id, nullable: true)
            .Timestamps()
            .Unique("secret_id", "version")
            .Index("folder_id", "key", "version"));

        schema.CreateTable("secret_tags", t => t
            .Id()
            .References("project_id", "projects")
            .Text("slug")
            .Text("color", nullable: true)
            .Column("created_by", ColumnType.Id, nullable: true)
            .Text("created_by_actor_type")
            .Timestamps()
            .Unique("project_id", "slug"));

        schema.CreateTable("secret_tag_links", t => t
            .Id()
            .References("secret_id", "secrets")
            .References("tag_id", "secret_tags")
            .Unique("secret_id", "tag_id"));

        schema.CreateTable("secret_imports", t => t
            .Id()
            .References("folder_id", "secret_folders")
            .References("import_env_id", "project_environments")
            .Text("import_path")
            .Long("position")
            .Long("version", 1)
            .Bool("is_replication")
            .Timestamps()
            .Index("folder_id", "position"));
    }
}
