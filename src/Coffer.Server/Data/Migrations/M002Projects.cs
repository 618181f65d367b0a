namespace Coffer.Server.Data.Migrations;

/// <summary>Projects, their environments and folder trees, project roles, memberships and additional privileges.</summary>
public sealed class M002Projects : Migration
{
    public override int Id => 2;
    public override string Name => "projects";

    public override void Up(SchemaBuilder schema)
    {
        schema.CreateTable("projects", t => t
            .Id()
            .References("org_id", "organizations")
            .Text("name")
            .Text("description", nullable: true)
            .Text("slug")
            .Text("type")
            .Bool("auto_capitalization")
            .Long("version", 3)
            .Long("pit_version_limit", 10)
            .Long("audit_logs_retention_days", null, nullable: true)
            .Bool("has_delete_protection")
            .Bool("secret_sharing", true)
            .Bool("show_snapshots_legacy")
            .Bool("enforce_encrypted_secret_manager_secret_metadata")
            .Json("secret_detection_ignore_values", nullable: true)
            .Timestamps()
            .Unique("org_id", "slug"));

        schema.CreateTable("project_environments", t => t
            .Id()
            .References("project_id", "projects")
            .Text("name")
            .Text("slug")
            .Long("position")
            .Timestamps()
            .Unique("project_id", "slug"));

        schema.CreateTable("secret_folders", t => t
            .Id()
            .References("env_id", "project_environments")
            .References("parent_id", "secret_folders", nullable: true)
            .Text("name")
            .Text("description", nullable: true)
            .Long("version", 1)
            .Timestamps()
            .Index("env_id", "parent_id", "name"));

        schema.CreateTable("project_roles", t => t
            .Id()
            .References("project_id", "projects")
            .Text("name")
            .Text("slug")
            .Text("description", nullable: true)
            .Json("permissions")
            .Timestamps()
            .Unique("project_id", "slug"));

        schema.CreateTable("project_memberships", t => t
            .Id()
            .References("project_id", "projects")
            .Text("actor_type")
            .References("identity_id", "identities", nullable: true)
            .References("user_id", "users", nullable: true)
            .Timestamps()
            .Unique("project_id", "identity_id")
            .Unique("project_id", "user_id"));

        schema.CreateTable("project_membership_roles", t => t
            .Id()
            .References("membership_id", "project_memberships")
            .Text("role")
            .References("custom_role_id", "project_roles", nullable: true, cascade: false)
            .Bool("is_temporary")
            .Text("temporary_mode", nullable: true)
            .Text("temporary_range", nullable: true)
            .Time("temporary_access_start_time", nullable: true)
            .Time("temporary_access_end_time", nullable: true)
            .Timestamps());

        schema.CreateTable("identity_project_additional_privileges", t => t
            .Id()
            .References("project_id", "projects")
            .References("identity_id", "identities")
            .Text("slug")
            .Json("permissions")
            .Bool("is_temporary")
            .Text("temporary_mode", nullable: true)
            .Text("temporary_range", nullable: true)
            .Time("temporary_access_start_time", nullable: true)
            .Time("temporary_access_end_time", nullable: true)
            .Timestamps()
            .Unique("project_id", "identity_id", "slug"));
    }
}
