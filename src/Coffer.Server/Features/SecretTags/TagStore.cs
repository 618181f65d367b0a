using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Secrets;
using Dapper;

namespace Coffer.Server.Features.SecretTags;

public static class TagStore
{
    public const string Columns = "id, project_id, slug, color, created_by, created_by_actor_type, created_at, updated_at";

    public static async Task<List<TagRow>> ListAsync(DbConnection conn, string projectId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<TagRow>($"SELECT {Columns} FROM secret_tags WHERE project_id = @projectId ORDER BY created_at, id",
            new { projectId }, tx)).AsList();

    /// <summary>The project's tags among <paramref name="ids"/> (unknown ids and other projects' tags are simply absent).</summary>
    public static async Task<List<TagRow>> FindManyAsync(DbConnection conn, string projectId, IReadOnlyCollection<string> ids, DbTransaction? tx = null) =>
        ids.Count == 0 ? [] : (await conn.QueryAsync<TagRow>(
            $"SELECT {Columns} FROM secret_tags WHERE project_id = @projectId AND {SqlText.In(conn, "id", "ids")} ORDER BY slug",
            new { projectId, ids = ids.ToArray() }, tx)).AsList();

    public static Task<TagRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<TagRow>($"SELECT {Columns} FROM secret_tags WHERE id = @id", new { id }, tx);

    public static Task<TagRow?> FindBySlugAsync(DbConnection conn, string projectId, string slug, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<TagRow>($"SELECT {Columns} FROM secret_tags WHERE project_id = @projectId AND slug = @slug",
            new { projectId, slug }, tx);

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, TagRow t) =>
        conn.ExecuteAsync(
            $"INSERT INTO secret_tags ({Columns}) VALUES (@Id, @ProjectId, @Slug, @Color, @CreatedBy, @CreatedByActorType, @CreatedAt, @UpdatedAt)", t, tx);

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, TagRow t) =>
        conn.ExecuteAsync("UPDATE secret_tags SET slug = @Slug, color = @Color, updated_at = @UpdatedAt WHERE id = @Id", t, tx);

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM secret_tags WHERE id = @id", new { id }, tx);
}
