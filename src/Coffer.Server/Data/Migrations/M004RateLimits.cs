namespace Coffer.Server.Data.Migrations;

/// <summary>
/// Rate-limit counters, one row per bucket (route + client IP), shared by every instance on the database.
/// Id 3 belongs to the secrets migration.
/// </summary>
public sealed class M004RateLimits : Migration
{
    public override int Id => 4;
    public override string Name => "rate_limits";

    public override void Up(SchemaBuilder schema)
    {
        schema.CreateTable("rate_limit_counters", t => t
            .Id("bucket")
            .Long("hits")
            .Time("window_started_at")
            .Index("window_started_at"));
    }
}
