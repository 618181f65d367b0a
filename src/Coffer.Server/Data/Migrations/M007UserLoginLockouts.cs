namespace Coffer.Server.Data.Migrations;

/// <summary>Failed user sign-ins per account: enough of them in a window lock the account for a while, on every instance.</summary>
public sealed class M007UserLoginLockouts : Migration
{
    public override int Id => 7;
    public override string Name => "user-login-lockouts";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("user_login_lockouts", t => t
            .Id()
            .References("user_id", "users")
            .Long("failed_attempts")
            .Time("window_started_at")
            .Time("locked_until", nullable: true)
            .Timestamps()
            .Unique("user_id"));
}
