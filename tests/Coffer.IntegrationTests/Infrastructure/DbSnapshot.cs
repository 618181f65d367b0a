using System.Text;
using Coffer.Server.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Every row of every table as text, to prove a rejected request changed nothing.</summary>
public static class DbSnapshot
{
    public static Task<string> TakeAsync(TestServer server, params string[] exceptTables) =>
        server.Services.GetRequiredService<Db>().ReadAsync(async conn =>
        {
            var db = server.Services.GetRequiredService<Db>();
            var tables = db.Engine == DbEngine.Sqlite
                ? await conn.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                : await conn.QueryAsync<string>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
            var sb = new StringBuilder();
            foreach (var table in tables.Where(t => !exceptTables.Contains(t)))
            {
                sb.Append("## ").AppendLine(table);
                var rows = (await conn.QueryAsync(
                    db.Engine == DbEngine.Sqlite ? $"SELECT * FROM {table}" : $"SELECT * FROM {table}"))
                    .Select(r => string.Join("|", ((IDictionary<string, object?>)r).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                        .Select(kv => $"{kv.Key}={Format(kv.Value)}")))
                    .Order(StringComparer.Ordinal);
                foreach (var row in rows) sb.AppendLine(row);
            }
            return sb.ToString();
        });

    private static string Format(object? value) => value switch
    {
        null => "∅",
        byte[] b => Convert.ToHexString(b),
        bool x => x ? "1" : "0",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
