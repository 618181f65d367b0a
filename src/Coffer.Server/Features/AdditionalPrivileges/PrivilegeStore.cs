using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.AdditionalPrivileges;

public sealed class PrivilegeRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Permissions { get; init; } = "[]";
    public bool IsTemporary { get; init; }
    public string? TemporaryMode { get; init; }
    public string? TemporaryRange { get; init; }
    public long? TemporaryAccessStartTime { get; init; }
    public long? TemporaryAccessEndTime { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on identities' additional privileges.</summary>
public static class PrivilegeStore
{
    private const string Columns =
        "id, project_id, identity_id, slug, permissions, is_temporary, temporary_mode, temporary_range, " +
        "temporary_access_start_time, temporary_access_end_time, created_at, updated_at";

    private static readonly string QualifiedColumns = SqlText.Qualified(Columns, "a");

    /// <summary>Adds the privilege unless the identity has one with its slug; one statement decides between concurrent creators.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection conn, DbTransaction tx, PrivilegeRow row) =>
        await conn.ExecuteAsync(
            $"""
            INSERT INTO identity_project_additional_privileges ({Columns})
            VALUES (@Id, @ProjectId, @IdentityId, @Slug, @Permissions, @IsTemporary, @TemporaryMode, @TemporaryRange,
                    @TemporaryAccessStartTime, @TemporaryAccessEndTime, @CreatedAt, @UpdatedAt)
            ON CONFLICT DO NOTHING
            """, row, tx) > 0;

    /// <summary>Whether the identity already has another privilege in the project with <paramref name="row"/>'s slug.</summary>
    public static async Task<bool> SlugTakenAsync(DbConnection conn, DbTransaction tx, PrivilegeRow row) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM identity_project_additional_privileges WHERE project_id = @ProjectId AND identity_id = @IdentityId AND slug = @Slug",
            row, tx) > 0;

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, PrivilegeRow row) =>
        conn.ExecuteAsync(
            """
            UPDATE identity_project_additional_privileges SET slug = @Slug, permissions = @Permissions, is_temporary = @IsTemporary,
                temporary_mode = @TemporaryMode, temporary_range = @TemporaryRange, temporary_access_start_time = @TemporaryAccessStartTime,
                temporary_access_end_time = @TemporaryAccessEndTime, updated_at = @UpdatedAt
            WHERE id = @Id
            """, row, tx);

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identity_project_additional_privileges WHERE id = @id", new { id }, tx);

    public static Task<PrivilegeRow?> FindBySlugAsync(DbConnection conn, string projectId, string identityId, string slug) =>
        conn.QuerySingleOrDefaultAsync<PrivilegeRow>(
            $"SELECT {Columns} FROM identity_project_additional_privileges WHERE project_id = @projectId AND identity_id = @identityId AND slug = @slug",
            new { projectId, identityId, slug });

    /// <summary>The identity's privileges in the project, in creation order.</summary>
    public static async Task<List<PrivilegeRow>> ListAsync(DbConnection conn, string projectId, string identityId) =>
        (await conn.QueryAsync<PrivilegeRow>(
            $"SELECT {Columns} FROM identity_project_additional_privileges WHERE project_id = @projectId AND identity_id = @identityId ORDER BY created_at, id",
            new { projectId, identityId })).AsList();

    /// <summary>A privilege by id, if its project is in the organization (another organization's ids do not exist here).</summary>
    public static Task<PrivilegeRow?> FindInOrgAsync(DbConnection conn, string privilegeId, string orgId) =>
        conn.QuerySingleOrDefaultAsync<PrivilegeRow>(
            $"""
            SELECT {QualifiedColumns}
            FROM identity_project_additional_privileges a JOIN projects p ON p.id = a.project_id
            WHERE a.id = @privilegeId AND p.org_id = @orgId
            """, new { privilegeId, orgId });
}
