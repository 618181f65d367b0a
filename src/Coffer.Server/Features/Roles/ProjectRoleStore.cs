using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Roles;

public sealed record ProjectRoleRow(string Id, string ProjectId, string Name, string Slug, string? Description, string Permissions,
    long CreatedAt, long UpdatedAt);

/// <summary>Every query on custom project roles.</summary>
public static class ProjectRoleStore
{
    private const string Columns = "id, project_id, name, slug, description, permissions, created_at, updated_at";

    /// <summary>Adds the role unless its slug is taken in the project; one statement decides between concurrent creators.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection conn, DbTransaction tx, ProjectRoleRow row) =>
        await conn.ExecuteAsync(
            $"INSERT INTO project_roles ({Columns}) VALUES (@Id, @ProjectId, @Name, @Slug, @Description, @Permissions, @CreatedAt, @UpdatedAt) ON CONFLICT DO NOTHING",
            row, tx) > 0;

    public static Task<ProjectRoleRow?> FindAsync(DbConnection conn, string projectId, string roleId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<ProjectRoleRow>(
            $"SELECT {Columns} FROM project_roles WHERE project_id = @projectId AND id = @roleId", new { projectId, roleId }, tx);

    public static Task<ProjectRoleRow?> FindByIdAsync(DbConnection conn, string roleId) =>
        conn.QuerySingleOrDefaultAsync<ProjectRoleRow>($"SELECT {Columns} FROM project_roles WHERE id = @roleId", new { roleId });

    public static Task<ProjectRoleRow?> FindBySlugAsync(DbConnection conn, string projectId, string slug) =>
        conn.QuerySingleOrDefaultAsync<ProjectRoleRow>(
            $"SELECT {Columns} FROM project_roles WHERE project_id = @projectId AND slug = @slug", new { projectId, slug });

    /// <summary>The project's custom roles in creation order.</summary>
    public static async Task<List<ProjectRoleRow>> ListAsync(DbConnection conn, string projectId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<ProjectRoleRow>(
            $"SELECT {Columns} FROM project_roles WHERE project_id = @projectId ORDER BY created_at, id", new { projectId }, tx)).AsList();

    public static async Task<bool> SlugTakenAsync(DbConnection conn, DbTransaction tx, string projectId, string slug) =>
        await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM project_roles WHERE project_id = @projectId AND slug = @slug",
            new { projectId, slug }, tx) > 0;

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, ProjectRoleRow row) =>
        conn.ExecuteAsync(
            "UPDATE project_roles SET slug = @Slug, name = @Name, description = @Description, permissions = @Permissions, updated_at = @UpdatedAt WHERE id = @Id",
            row, tx);

    public static async Task<bool> IsAssignedAsync(DbConnection conn, DbTransaction tx, string roleId) =>
        await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM project_membership_roles WHERE custom_role_id = @roleId", new { roleId }, tx) > 0;

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string roleId) =>
        conn.ExecuteAsync("DELETE FROM project_roles WHERE id = @roleId", new { roleId }, tx);

    /// <summary>The members (an identity or a user each) holding the role in the project.</summary>
    public static async Task<IReadOnlyList<(string? IdentityId, string? UserId)>> ListHoldersAsync(DbConnection conn, string projectId, string roleId) =>
        (await conn.QueryAsync<(string? IdentityId, string? UserId)>(
            """
            SELECT DISTINCT m.identity_id, m.user_id
            FROM project_memberships m JOIN project_membership_roles r ON r.membership_id = m.id
            WHERE m.project_id = @projectId AND r.custom_role_id = @roleId
            """, new { projectId, roleId })).AsList();
}
