namespace Coffer.Server.Data.Migrations;

/// <summary>User sign-in sessions: a user token names its session, so logging out (or a password change) ends it.</summary>
public sealed class M005UserSessions : Migration
{
    public override int Id => 5;
    public override string Name => "user-sessions";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("auth_token_sessions", t => t
            .Id()
            .References("user_id", "users")
            .Text("ip", nullable: true)
            .Text("user_agent", nullable: true)
            .Long("access_version", 1)
            .Bool("is_revoked")
            .Time("last_used")
            .Timestamps());
}
