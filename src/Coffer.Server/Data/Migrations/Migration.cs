namespace Coffer.Server.Data.Migrations;

/// <summary>One forward-only schema step. Ids are dense and never reused; a released migration is never edited.</summary>
public abstract class Migration
{
    public abstract int Id { get; }
    public abstract string Name { get; }
    public abstract void Up(SchemaBuilder schema);
}
