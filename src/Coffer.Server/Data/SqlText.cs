namespace Coffer.Server.Data;

public static class SqlText
{
    /// <summary>
    /// "<paramref name="expression"/> is one of @<paramref name="parameter"/>": Dapper expands a list into IN (…) on SQLite, while
    /// Npgsql takes the list as one array parameter, which needs = ANY(…). Pass the values as an array.
    /// </summary>
    public static string In(System.Data.Common.DbConnection conn, string expression, string parameter) =>
        conn is Microsoft.Data.Sqlite.SqliteConnection ? $"{expression} IN @{parameter}" : $"{expression} = ANY(@{parameter})";

    /// <summary>
    /// " FOR UPDATE" inside a PostgreSQL transaction: a row read to be rewritten is locked, so a concurrent writer of the
    /// same row waits and then reads the committed result instead of the same old version (which lost one update and
    /// turned the other into a unique violation on the version history). SQLite needs nothing: its writers are serialized.
    /// </summary>
    public static string ForUpdate(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx) =>
        tx is not null && conn is not Microsoft.Data.Sqlite.SqliteConnection ? " FOR UPDATE" : "";

    /// <summary>A column list ("id, name") with each column qualified by a table alias ("p.id, p.name"), for joins.</summary>
    public static string Qualified(string columns, string alias) => string.Join(", ", columns.Split(", ").Select(c => $"{alias}.{c}"));

    /// <summary>Escapes LIKE wildcards so a search for "a_b" finds only "a_b"; pair with <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
