namespace Coffer.Server.Data.Migrations;

/// <summary>
/// The tags a secret carried at each version, as tag ids (slugs change; a renamed tag stays the same tag). A version read
/// is checked against them as well as the secret's current tags, so a tag-based deny still covers the history.
/// NULL on versions written before this migration: their tags were not recorded, and only the current tags apply.
/// </summary>
public sealed class M006SecretVersionTags : Migration
{
    public override int Id => 6;
    public override string Name => "secret-version-tags";

    public override void Up(SchemaBuilder schema) => schema.AddColumn("secret_versions", "tag_ids", ColumnType.Text);
}
