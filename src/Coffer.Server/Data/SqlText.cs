namespace Coffer.Server.Data;

public static class SqlText
{
    /// <summary>Escapes LIKE wildcards so a search for "a_b" finds only "a_b"; pair with <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
