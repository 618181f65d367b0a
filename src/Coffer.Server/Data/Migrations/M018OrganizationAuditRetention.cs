namespace Coffer.Server.Data.Migrations;

/// <summary>
/// An organization's own audit retention: how many days its rows are kept where no project retention applies (0: the
/// instance's AUDIT_LOG_RETENTION_DAYS decides).
/// </summary>
public sealed class M018OrganizationAuditRetention : Migration
{
    public override int Id => 18;
    public override string Name => "organization-audit-retention";

    public override void Up(SchemaBuilder schema) =>
        schema.AddColumn("organizations", "audit_logs_retention_days", ColumnType.Long, nullable: false, defaultSql: "0");
}
