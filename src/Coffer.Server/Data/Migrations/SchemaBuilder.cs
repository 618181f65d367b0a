using System.Text;

namespace Coffer.Server.Data.Migrations;

/// <summary>
/// One schema description, emitted as DDL for each engine, so SQLite and PostgreSQL cannot drift apart.
/// Ids are text UUIDs and times are Unix milliseconds (bigint) on both engines: identical comparisons, no time-zone
/// or precision surprises, and the millisecond precision Infisical's responses carry.
/// </summary>
public sealed class SchemaBuilder(DbEngine engine)
{
    private readonly List<string> _statements = [];

    public DbEngine Engine { get; } = engine;

    public IReadOnlyList<string> Statements => _statements;

    public void CreateTable(string name, Action<TableBuilder> define)
    {
        var table = new TableBuilder(name, Engine);
        define(table);
        _statements.Add(table.ToCreateSql());
        _statements.AddRange(table.IndexSql());
    }

    public void AddColumn(string table, string column, ColumnType type, bool nullable = true, string? defaultSql = null)
    {
        var sb = new StringBuilder($"ALTER TABLE {table} ADD COLUMN {column} {TableBuilder.TypeName(type, Engine)}");
        if (defaultSql is not null) sb.Append(" DEFAULT ").Append(defaultSql);
        if (!nullable) sb.Append(" NOT NULL");
        _statements.Add(sb.ToString());
    }

    public void Index(string table, string name, bool unique, params string[] columns) =>
        _statements.Add($"CREATE {(unique ? "UNIQUE " : "")}INDEX {name} ON {table} ({string.Join(", ", columns)})");

    public void Sql(string sql) => _statements.Add(sql);
}

public enum ColumnType
{
    Id,
    Text,
    Bool,
    Long,
    Time,
    Json,
    Bytes,
}

public sealed class TableBuilder(string name, DbEngine engine)
{
    private readonly List<string> _columns = [];
    private readonly List<string> _constraints = [];
    private readonly List<string> _indexes = [];

    public TableBuilder Id(string column = "id")
    {
        _columns.Add($"{column} {TypeName(ColumnType.Id, engine)} NOT NULL PRIMARY KEY");
        return this;
    }

    public TableBuilder Column(string column, ColumnType type, bool nullable = false, string? defaultSql = null)
    {
        var sb = new StringBuilder($"{column} {TypeName(type, engine)}");
        if (!nullable) sb.Append(" NOT NULL");
        if (defaultSql is not null) sb.Append(" DEFAULT ").Append(defaultSql);
        _columns.Add(sb.ToString());
        return this;
    }

    public TableBuilder Text(string column, bool nullable = false) => Column(column, ColumnType.Text, nullable);
    public TableBuilder Bool(string column, bool defaultValue = false) => Column(column, ColumnType.Bool, defaultSql: defaultValue ? "TRUE" : "FALSE");
    public TableBuilder Long(string column, long? defaultValue = 0, bool nullable = false) =>
        Column(column, ColumnType.Long, nullable, defaultValue?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public TableBuilder Time(string column, bool nullable = false) => Column(column, ColumnType.Time, nullable);
    public TableBuilder Json(string column, bool nullable = false) => Column(column, ColumnType.Json, nullable);
    public TableBuilder Bytes(string column, bool nullable = false) => Column(column, ColumnType.Bytes, nullable);

    /// <summary>Created and updated times, as every Infisical row has them.</summary>
    public TableBuilder Timestamps() => Time("created_at").Time("updated_at");

    public TableBuilder References(string column, string table, bool nullable = false, bool cascade = true)
    {
        Column(column, ColumnType.Id, nullable);
        _constraints.Add($"FOREIGN KEY ({column}) REFERENCES {table} (id) ON DELETE {(cascade ? "CASCADE" : "SET NULL")}");
        _indexes.Add($"CREATE INDEX ix_{name}_{column} ON {name} ({column})");
        return this;
    }

    public TableBuilder Unique(params string[] columns)
    {
        _indexes.Add($"CREATE UNIQUE INDEX ux_{name}_{string.Join("_", columns)} ON {name} ({string.Join(", ", columns)})");
        return this;
    }

    public TableBuilder Index(params string[] columns)
    {
        _indexes.Add($"CREATE INDEX ix_{name}_{string.Join("_", columns)} ON {name} ({string.Join(", ", columns)})");
        return this;
    }

    internal string ToCreateSql() => $"CREATE TABLE {name} (\n  {string.Join(",\n  ", _columns.Concat(_constraints))}\n)";

    internal IEnumerable<string> IndexSql() => _indexes;

    internal static string TypeName(ColumnType type, DbEngine engine) => (type, engine) switch
    {
        (ColumnType.Id or ColumnType.Text or ColumnType.Json, _) => "TEXT",
        (ColumnType.Bool, DbEngine.Sqlite) => "INTEGER",
        (ColumnType.Bool, DbEngine.Postgres) => "BOOLEAN",
        (ColumnType.Long or ColumnType.Time, DbEngine.Sqlite) => "INTEGER",
        (ColumnType.Long or ColumnType.Time, DbEngine.Postgres) => "BIGINT",
        (ColumnType.Bytes, DbEngine.Sqlite) => "BLOB",
        (ColumnType.Bytes, DbEngine.Postgres) => "BYTEA",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
