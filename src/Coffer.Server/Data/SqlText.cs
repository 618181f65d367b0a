namespace Coffer.Server.Data;

public static class SqlText
{
    /// <summary>
    /// "<paramref name="expression"/> is one of @<paramref name="parameter"/>": Dapper expands a list into IN (…) on SQLite, while
    /// Npgsql takes the list as one array parameter, which needs = ANY(…). Pass the values as an array.
    /// </summary>
    public static string In(System.Data.Common.DbConnection conn, string expression, string parameter) =>
        conn is Npgsql.NpgsqlConnection ? $"{expression} = ANY(@{parameter})" : $"{expression} IN @{parameter}";

    /// <summary>Escapes LIKE wildcards so a search for "a_b" finds only "a_b"; pair with <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
