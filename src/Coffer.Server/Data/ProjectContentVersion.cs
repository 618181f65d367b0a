using System.Data.Common;
using Dapper;

namespace Coffer.Server.Data;

/// <summary>
/// A per-project counter moved in the same transaction as any change to the project's folders, secrets, imports or
/// tags. Read caches remember the value they were built from; a different value on the next request means rebuild.
/// Finer than the security epoch: writing a secret does not throw away every permission and token cache.
/// </summary>
public static class ProjectContentVersion
{
    public static async Task<long> ReadAsync(DbConnection conn, string projectId, DbTransaction? tx = null) =>
        await conn.ExecuteScalarAsync<long?>(
            "SELECT version FROM project_content_versions WHERE project_id = @projectId", new { projectId }, tx) ?? 0;

    public static Task BumpAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        conn.ExecuteAsync(
            """
            INSERT INTO project_content_versions (id, project_id, version) VALUES (@id, @projectId, 1)
            ON CONFLICT (project_id) DO UPDATE SET version = project_content_versions.version + 1
            """,
            new { id = Ids.New(), projectId }, tx);
}
