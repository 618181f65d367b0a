namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Data-key rotation: a project may hold several data keys while its secrets are re-sealed from one to the next, so
/// keys are numbered per project and every secret row and version row records the key it is sealed under. Everything
/// written before this migration is under key 1.
/// </summary>
public sealed class M008DataKeyVersions : Migration
{
    public override int Id => 8;
    public override string Name => "data-key-versions";

    public override void Up(SchemaBuilder schema)
    {
        schema.AddColumn("project_data_keys", "key_version", ColumnType.Long, nullable: false, defaultSql: "1");
        schema.Sql("DROP INDEX ux_project_data_keys_project_id");
        schema.Index("project_data_keys", "ux_project_data_keys_project_id_key_version", true, "project_id", "key_version");
        schema.AddColumn("secrets", "key_version", ColumnType.Long, nullable: false, defaultSql: "1");
        schema.AddColumn("secret_versions", "key_version", ColumnType.Long, nullable: false, defaultSql: "1");
        // A rotation finds what is left under older keys a batch at a time, without scanning other projects' rows.
        schema.Index("secrets", "ix_secrets_project_id_key_version", false, "project_id", "key_version");
        schema.Index("secret_versions", "ix_secret_versions_project_id_key_version", false, "project_id", "key_version");
    }
}
