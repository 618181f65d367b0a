using System.Collections.Concurrent;

namespace Coffer.Server.Data.Sqlite;

/// <summary>
/// Parameter names as Coffer's SQL writes them. Dapper names parameters without their sigil, and Microsoft.Data.Sqlite
/// then looks each one up as written and again with "@", "$" and ":" in front, converting every candidate to UTF-8;
/// named with the "@" the SQL uses, the first lookup finds it. Made once per name: the names come from the code's SQL.
/// </summary>
internal static class ParameterNames
{
    private static readonly ConcurrentDictionary<string, string> WithSigil = new(StringComparer.Ordinal);

    public static string AsWritten(string name) =>
        name.Length == 0 || name[0] is '@' or '$' or ':' ? name : WithSigil.GetOrAdd(name, static n => "@" + n);
}
