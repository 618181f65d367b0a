namespace Coffer.Server.Data.Migrations;

/// <summary>
/// What a login proved about the caller (an OIDC token's mapped claims, a Kubernetes service account, an AWS
/// principal), kept with the token it issued so permission templates can use it (<c>{{identity.auth.…}}</c>) for as
/// long as the token lives, renewals included. Null for methods that prove nothing beyond the identity.
/// </summary>
public sealed class M020AccessTokenAuthInfo : Migration
{
    public override int Id => 20;
    public override string Name => "access-token-auth-info";

    public override void Up(SchemaBuilder schema) =>
        schema.AddColumn("identity_access_tokens", "auth_info", ColumnType.Json, nullable: true);
}
