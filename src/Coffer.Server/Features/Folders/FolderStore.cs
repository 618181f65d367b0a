using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Folders;

public static class FolderStore
{
    public const string Columns = "id, env_id, parent_id, name, description, version, created_at, updated_at, last_secret_modified";

    public static readonly string QualifiedColumns = SqlText.Qualified(Columns, "f");

    public static Task<FolderRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<FolderRow>($"SELECT {Columns} FROM secret_folders WHERE id = @id", new { id }, tx);

    /// <summary>The project a folder belongs to, or null for an unknown folder.</summary>
    public static Task<string?> ProjectOfAsync(DbConnection conn, string folderId) =>
        conn.QuerySingleOrDefaultAsync<string?>(
            "SELECT e.project_id FROM secret_folders f JOIN project_environments e ON e.id = f.env_id WHERE f.id = @folderId",
            new { folderId });

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, FolderRow f) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO secret_folders ({Columns})
            VALUES (@Id, @EnvId, @ParentId, @Name, @Description, @Version, @CreatedAt, @UpdatedAt, @LastSecretModified)
            """, f, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, FolderRow f) =>
        conn.ExecuteAsync(
            "UPDATE secret_folders SET name = @Name, description = @Description, version = @Version, updated_at = @UpdatedAt WHERE id = @Id",
            f, tx);

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM secret_folders WHERE id = @id", new { id }, tx);

    public static async Task<bool> HasSecretsAsync(DbConnection conn, DbTransaction tx, string folderId) =>
        await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM secrets WHERE folder_id = @folderId", new { folderId }, tx) > 0;

    public static async Task<bool> HasChildrenAsync(DbConnection conn, DbTransaction tx, string folderId) =>
        await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM secret_folders WHERE parent_id = @folderId", new { folderId }, tx) > 0;

    /// <summary>Every environment has a root folder ("/"), where secrets without a path live.</summary>
    public static Task InsertRootAsync(DbConnection conn, DbTransaction tx, string envId, long now) =>
        conn.ExecuteAsync(
            "INSERT INTO secret_folders (id, env_id, parent_id, name, description, version, created_at, updated_at) " +
            "VALUES (@id, @envId, NULL, 'root', NULL, 1, @now, @now)",
            new { id = Ids.New(), envId, now }, tx);
}

/// <summary>A row of <c>secret_folders</c>. Each environment has one root (no parent, named "root") whose path is "/".</summary>
public sealed class FolderRow
{
    public string Id { get; init; } = "";
    public string EnvId { get; init; } = "";
    public string? ParentId { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public long Version { get; init; } = 1;
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? LastSecretModified { get; init; }

    public bool IsRoot => ParentId is null;
}
