namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Background work that one instance of a deployment should do at a time (audit-log pruning): a named row an instance
/// claims until a time, with a conditional update that only one of several racing instances can win, on either engine.
/// </summary>
public sealed class M017BackgroundClaims : Migration
{
    public override int Id => 17;
    public override string Name => "background-claims";

    public override void Up(SchemaBuilder schema) =>
        schema.CreateTable("background_claims", t => t
            .Column("name", ColumnType.Text)
            .Text("claimed_by")
            .Long("claimed_until")
            .Unique("name"));
}
