using System.Text;
using Coffer.Server.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Every row of every table as text, to prove a rejected request changed nothing.</summary>
public static class DbSnapshot
{
    public static async Task<string> TakeAsync(TestServer server, params string[] exceptTables)
    {
        // Read events are audited in the background; settle them so the snapshot reflects every answered request.
        await server.Services.GetRequiredService<Coffer.Server.Features.AuditLogs.AuditBatcher>().FlushAsync();
        return await server.Services.GetRequiredService<Db>().ReadAsync(async conn =>
        {
            var db = server.Services.GetRequiredService<Db>();
            var tables = db.Engine == DbEngine.Sqlite
                ? await conn.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                : await conn.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
            var sb = new StringBuilder();
            foreach (var table in tables.Where(t => !exceptTables.Contains(t)))
            {
                sb.Append("## ").AppendLine(table);
                // Reads are audited too (get-…); they are not state a request "changes", so they are left out.
                var sql = table == "audit_logs" ? "SELECT * FROM audit_logs WHERE event_type NOT LIKE 'get-%'" : $"SELECT * FROM {table}";
                var rows = (await conn.QueryAsync(sql))
                    .Select(r => string.Join("|", ((IDictionary<string, object?>)r).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => $"{kv.Key}={Format(kv.Value)}")))
                    .Order(StringComparer.Ordinal);
                foreach (var row in rows) sb.AppendLine(row);
            }
            return sb.ToString();
        });
    }

    /// <summary>The lines that differ between two snapshots, for failure messages.</summary>
    public static string Diff(string before, string after)
    {
        var a = before.Split('\n').ToHashSet();
        var b = after.Split('\n').ToHashSet();
        return string.Join("\n", a.Except(b).Select(l => "- " + l).Concat(b.Except(a).Select(l => "+ " + l)).Take(20));
    }

    private static string Format(object? value) => value switch
    {
        null => "∅",
        byte[] b => Convert.ToHexString(b),
        bool x => x ? "1" : "0",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
