using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Environments;
using Coffer.Server.Permissions;
using Dapper;

namespace Coffer.Server.Features.Projects;

public static class ProjectStore
{
    private const string Columns = ProjectRecords.Columns;
    private static readonly string QualifiedColumns = SqlText.Qualified(Columns, "p");
    private static readonly string EnvironmentColumns = SqlText.Qualified(EnvironmentStore.Columns, "e");

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, ProjectRow p) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO projects ({Columns})
            VALUES (@Id, @OrgId, @Name, @Description, @Slug, @Type, @AutoCapitalization, @Version, @PitVersionLimit,
                    @AuditLogsRetentionDays, @HasDeleteProtection, @SecretSharing, @ShowSnapshotsLegacy,
                    @EnforceEncryptedSecretManagerSecretMetadata, @SecretDetectionIgnoreValues, @CreatedAt, @UpdatedAt)
            """, p, tx);

    public static Task<ProjectRow?> FindBySlugAsync(DbConnection conn, string orgId, string slug, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<ProjectRow>($"SELECT {Columns} FROM projects WHERE org_id = @orgId AND slug = @slug", new { orgId, slug }, tx);

    public static async Task<bool> SlugTakenAsync(DbConnection conn, DbTransaction tx, string orgId, string slug, string? exceptId = null) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM projects WHERE org_id = @orgId AND slug = @slug AND (@exceptId IS NULL OR id <> @exceptId)",
            new { orgId, slug, exceptId }, tx) > 0;

    /// <summary>Projects the actor is a member of, in creation order.</summary>
    public static async Task<IReadOnlyList<ProjectRow>> ListForActorAsync(DbConnection conn, string orgId, string actorColumn, string actorId, string? type) =>
        (await conn.QueryAsync<ProjectRow>(
            $"""
            SELECT {QualifiedColumns}
            FROM project_memberships m CROSS JOIN projects p
            WHERE {ActorProjects(actorColumn)}
            ORDER BY p.created_at, p.id
            """, new { orgId, actorId, type })).AsList();

    /// <summary>
    /// The environments of every project <see cref="ListForActorAsync"/> returns, in one statement: a list of N
    /// projects costs two queries, not N + 1.
    /// </summary>
    public static async Task<ILookup<string, EnvironmentRow>> EnvironmentsForActorAsync(DbConnection conn, string orgId, string actorColumn, string actorId, string? type) =>
        (await conn.QueryAsync<EnvironmentRow>(
            $"""
            SELECT {EnvironmentColumns}
            FROM project_memberships m CROSS JOIN projects p CROSS JOIN project_environments e
            WHERE e.project_id = p.id AND {ActorProjects(actorColumn)}
            ORDER BY e.project_id, e.position, e.created_at
            """, new { orgId, actorId, type })).ToLookup(e => e.ProjectId);

    /// <summary>
    /// The caller's memberships first, then their projects by id: an actor belongs to a few of the organization's
    /// projects, and SQLite, without statistics, otherwise walked every project of the organization (10 000 for a list of
    /// 6: 9.8 ms). <c>CROSS JOIN</c> keeps the written order on SQLite; PostgreSQL plans it as the inner join it is.
    /// </summary>
    private static string ActorProjects(string actorColumn) =>
        $"p.id = m.project_id AND m.{actorColumn} = @actorId AND p.org_id = @orgId AND (@type IS NULL OR p.type = @type)";

    public static Task UpdateAsync(DbConnection conn, DbTransaction tx, ProjectRow p) =>
        conn.ExecuteAsync(
            """
            UPDATE projects SET name = @Name, description = @Description, slug = @Slug, auto_capitalization = @AutoCapitalization,
                has_delete_protection = @HasDeleteProtection, secret_sharing = @SecretSharing, show_snapshots_legacy = @ShowSnapshotsLegacy,
                enforce_encrypted_secret_manager_secret_metadata = @EnforceEncryptedSecretManagerSecretMetadata,
                secret_detection_ignore_values = @SecretDetectionIgnoreValues, pit_version_limit = @PitVersionLimit, updated_at = @UpdatedAt
            WHERE id = @Id
            """, p, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM projects WHERE id = @id", new { id }, tx);

    /// <summary>
    /// Adds an identity's or a user's membership unless it already has one: one statement decides between concurrent
    /// creators on every engine, and the loser inserts nothing (false).
    /// </summary>
    public static async Task<bool> TryInsertMembershipAsync(DbConnection conn, DbTransaction tx, string membershipId, string projectId,
        string? identityId, string? userId, long now) =>
        await conn.ExecuteAsync(
            "INSERT INTO project_memberships (id, project_id, actor_type, identity_id, user_id, created_at, updated_at) " +
            "VALUES (@membershipId, @projectId, @actorType, @identityId, @userId, @now, @now) ON CONFLICT DO NOTHING",
            new { membershipId, projectId, actorType = identityId is null ? "user" : "identity", identityId, userId, now }, tx) > 0;

    public static Task InsertPermanentRoleAsync(DbConnection conn, DbTransaction tx, string membershipId, string role, string? customRoleId, long now) =>
        conn.ExecuteAsync(
            "INSERT INTO project_membership_roles (id, membership_id, role, custom_role_id, is_temporary, created_at, updated_at) " +
            "VALUES (@id, @membershipId, @role, @customRoleId, FALSE, @now, @now)",
            new { id = Ids.New(), membershipId, role, customRoleId, now }, tx);

    /// <summary>An identity's (or a user's) membership of a project, if it has one.</summary>
    public static Task<(string Id, long CreatedAt)?> FindMembershipAsync(DbConnection conn, DbTransaction tx, string projectId, bool identity,
        string actorId) =>
        conn.QuerySingleOrDefaultAsync<(string Id, long CreatedAt)?>(
            $"SELECT id, created_at FROM project_memberships WHERE project_id = @projectId AND {(identity ? "identity_id" : "user_id")} = @actorId",
            new { projectId, actorId }, tx);

    /// <summary>Whether the membership holds <paramref name="role"/> now: permanently, or a temporary grant in its window.</summary>
    public static async Task<bool> HoldsRoleAsync(DbConnection conn, string membershipId, string role, long now) =>
        await conn.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM project_membership_roles WHERE membership_id = @membershipId AND role = @role
              AND (is_temporary = FALSE OR (temporary_access_start_time <= @now AND temporary_access_end_time > @now))
            """, new { membershipId, role, now }) > 0;

    public static Task SetAuditLogsRetentionAsync(DbConnection conn, DbTransaction tx, string projectId, long days, long now) =>
        conn.ExecuteAsync("UPDATE projects SET audit_logs_retention_days = @days, updated_at = @now WHERE id = @projectId",
            new { projectId, days, now }, tx);

    public static async Task<bool> HasPermanentRoleAsync(DbConnection conn, DbTransaction tx, string membershipId, string role) =>
        await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM project_membership_roles WHERE membership_id = @membershipId AND role = @role AND is_temporary = FALSE",
            new { membershipId, role }, tx) > 0;
}
