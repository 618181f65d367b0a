using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Environments;

public sealed class EnvironmentRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public long Position { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on a project's environments.</summary>
public static class EnvironmentStore
{
    internal const string Columns = "id, project_id, name, slug, position, created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, EnvironmentRow e) =>
        conn.ExecuteAsync(
            $"INSERT INTO project_environments ({Columns}) VALUES (@Id, @ProjectId, @Name, @Slug, @Position, @CreatedAt, @UpdatedAt)", e, tx);

    public static async Task<IReadOnlyList<EnvironmentRow>> ListAsync(DbConnection conn, string projectId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<EnvironmentRow>(
            $"SELECT {Columns} FROM project_environments WHERE project_id = @projectId ORDER BY position, created_at", new { projectId }, tx)).AsList();

    public static Task<EnvironmentRow?> FindAsync(DbConnection conn, string projectId, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<EnvironmentRow>(
            $"SELECT {Columns} FROM project_environments WHERE project_id = @projectId AND id = @id", new { projectId, id }, tx);

    /// <summary>An environment by its id alone, whichever project it belongs to.</summary>
    public static Task<EnvironmentRow?> FindByIdAsync(DbConnection conn, string id) =>
        conn.QuerySingleOrDefaultAsync<EnvironmentRow>($"SELECT {Columns} FROM project_environments WHERE id = @id", new { id });

    public static Task<EnvironmentRow?> FindBySlugAsync(DbConnection conn, string projectId, string slug, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<EnvironmentRow>(
            $"SELECT {Columns} FROM project_environments WHERE project_id = @projectId AND slug = @slug", new { projectId, slug }, tx);

    public static async Task<long> MaxPositionAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        await conn.ExecuteScalarAsync<long?>(
            "SELECT MAX(position) FROM project_environments WHERE project_id = @projectId", new { projectId }, tx) ?? 0;

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, EnvironmentRow env) =>
        conn.ExecuteAsync(
            "UPDATE project_environments SET name = @Name, slug = @Slug, position = @Position, updated_at = @UpdatedAt WHERE id = @Id", env, tx);

    /// <summary>Deletes the environment; its folders and secrets go with it (ON DELETE CASCADE).</summary>
    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM project_environments WHERE id = @id", new { id }, tx);

    /// <summary>Moves every environment at or after <paramref name="from"/> by <paramref name="by"/> places.</summary>
    public static Task ShiftAsync(DbConnection conn, DbTransaction tx, string projectId, long from, int by, long now) =>
        conn.ExecuteAsync(
            "UPDATE project_environments SET position = position + @by, updated_at = @now WHERE project_id = @projectId AND position >= @from",
            new { projectId, from, by, now }, tx);
}
