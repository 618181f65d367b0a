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
                foreach (var row in Lines(await conn.QueryAsync(sql))) sb.AppendLine(row);
            }
            return sb.ToString();
        });
    }

    /// <summary>
    /// The rows of one project's secrets data plane (environments, folders, secrets and their history and tags, imports,
    /// its content version and its non-read audit events): what a refused request on the project must leave unchanged.
    /// Cheaper than <see cref="TakeAsync"/> when a test makes many projects.
    /// </summary>
    public static Task<string> TakeProjectAsync(TestServer server, string projectId)
    {
        const string Envs = "SELECT id FROM project_environments WHERE project_id = @projectId";
        const string Folders = $"SELECT id FROM secret_folders WHERE env_id IN ({Envs})";
        var queries = new (string Table, string Sql)[]
        {
            ("project_environments", "SELECT * FROM project_environments WHERE project_id = @projectId"),
            ("secret_folders", $"SELECT * FROM secret_folders WHERE env_id IN ({Envs})"),
            ("secrets", "SELECT * FROM secrets WHERE project_id = @projectId"),
            ("secret_versions", "SELECT * FROM secret_versions WHERE project_id = @projectId"),
            ("secret_tags", "SELECT * FROM secret_tags WHERE project_id = @projectId"),
            ("secret_tag_links", "SELECT * FROM secret_tag_links WHERE secret_id IN (SELECT id FROM secrets WHERE project_id = @projectId)"),
            ("secret_imports", $"SELECT * FROM secret_imports WHERE folder_id IN ({Folders})"),
            ("project_content_versions", "SELECT * FROM project_content_versions WHERE project_id = @projectId"),
            ("dynamic_secrets", "SELECT * FROM dynamic_secrets WHERE project_id = @projectId"),
            ("dynamic_secret_leases", "SELECT * FROM dynamic_secret_leases WHERE project_id = @projectId"),
            ("audit_logs", "SELECT * FROM audit_logs WHERE project_id = @projectId AND event_type NOT LIKE 'get-%'"),
        };
        return server.Services.GetRequiredService<Db>().ReadAsync(async conn =>
        {
            var sb = new StringBuilder();
            foreach (var (table, sql) in queries)
            {
                sb.Append("## ").AppendLine(table);
                foreach (var row in Lines(await conn.QueryAsync(sql, new { projectId }))) sb.AppendLine(row);
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

    private static IEnumerable<string> Lines(IEnumerable<dynamic> rows) =>
        rows.Select(r => string.Join("|", ((IDictionary<string, object?>)r).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key}={Format(kv.Value)}")))
            .Order(StringComparer.Ordinal);

    private static string Format(object? value) => value switch
    {
        null => "∅",
        byte[] b => Convert.ToHexString(b),
        bool x => x ? "1" : "0",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
