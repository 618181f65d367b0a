using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Secrets;
using Dapper;

namespace Coffer.Server.Features.SecretImports;

public static class ImportStore
{
    private const string Columns = "id, folder_id, import_env_id, import_path, position, version, is_replication, created_at, updated_at";

    public static async Task<List<ImportRow>> ListAsync(DbConnection conn, string folderId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<ImportRow>($"SELECT {Columns} FROM secret_imports WHERE folder_id = @folderId ORDER BY position, created_at",
            new { folderId }, tx)).AsList();

    public static Task<ImportRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<ImportRow>($"SELECT {Columns} FROM secret_imports WHERE id = @id", new { id }, tx);

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, ImportRow i) =>
        conn.ExecuteAsync(
            $"INSERT INTO secret_imports ({Columns}) VALUES (@Id, @FolderId, @ImportEnvId, @ImportPath, @Position, @Version, @IsReplication, @CreatedAt, @UpdatedAt)",
            i, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, ImportRow i) =>
        conn.ExecuteAsync(
            """
            UPDATE secret_imports SET import_env_id = @ImportEnvId, import_path = @ImportPath, position = @Position, version = @Version,
                updated_at = @UpdatedAt
            WHERE id = @Id
            """, i, tx);

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM secret_imports WHERE id = @id", new { id }, tx);

    /// <summary>Shifts positions in a folder: those in [from, to] move by <paramref name="by"/>.</summary>
    public static Task ShiftAsync(DbConnection conn, DbTransaction tx, string folderId, long from, long to, int by) =>
        conn.ExecuteAsync(
            "UPDATE secret_imports SET position = position + @by WHERE folder_id = @folderId AND position >= @from AND position <= @to",
            new { folderId, from, to, by }, tx);

    /// <summary>Whether some folder at (env, path) already imports (importEnv, importPath): the reverse import would be a cycle.</summary>
    public static async Task<bool> ExistsAsync(DbConnection conn, DbTransaction tx, string folderId, string importEnvId, string importPath) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM secret_imports WHERE folder_id = @folderId AND import_env_id = @importEnvId AND import_path = @importPath",
            new { folderId, importEnvId, importPath }, tx) > 0;

    /// <summary>The imports of several folders at once, each folder's in its order.</summary>
    public static async Task<List<ImportRow>> ListInFoldersAsync(DbConnection conn, IReadOnlyList<string> folderIds) =>
        (await conn.QueryAsync<ImportRow>(
            $"SELECT {Columns} FROM secret_imports WHERE {SqlText.In(conn, "folder_id", "folderIds")} ORDER BY position, created_at",
            new { folderIds = folderIds.ToArray() })).AsList();

    /// <summary>The folders that import the folder at <paramref name="importPath"/> of the project's environment <paramref name="environmentSlug"/>.</summary>
    public static async Task<List<string>> ImportingFoldersAsync(DbConnection conn, string projectId, string environmentSlug, string importPath) =>
        (await conn.QueryAsync<string>(
            """
            SELECT i.folder_id FROM secret_imports i JOIN project_environments e ON e.id = i.import_env_id
            WHERE e.project_id = @projectId AND e.slug = @environmentSlug AND i.import_path = @importPath
            """, new { projectId, environmentSlug, importPath })).AsList();
}
