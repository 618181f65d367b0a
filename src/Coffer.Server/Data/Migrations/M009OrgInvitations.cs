namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Invitations: a user invited into an organization holds an <c>invited</c> membership until they follow the invitation
/// link, and the link's one-time code is kept only as a keyed hash, one live code per user and organization.
/// </summary>
public sealed class M009OrgInvitations : Migration
{
    public override int Id => 9;
    public override string Name => "org-invitations";

    public override void Up(SchemaBuilder schema)
    {
        schema.AddColumn("org_memberships", "status", ColumnType.Text, nullable: false, defaultSql: "'accepted'");
        schema.CreateTable("org_invite_codes", t => t
            .Id()
            .References("user_id", "users")
            .References("org_id", "organizations")
            .Text("code_hash")
            .Time("expires_at")
            .Timestamps()
            .Unique("user_id", "org_id"));
    }
}
