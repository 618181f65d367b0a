using System.Data.Common;
using Dapper;

namespace Coffer.Server.Permissions;

/// <summary>
/// A project as every access decision needs it (its organization, its settings). Read here, below the features, because
/// deciding whether an actor may touch a project starts with finding the project; the projects feature's other queries
/// live in its own store.
/// </summary>
public static class ProjectRecords
{
    public const string Columns =
        "id, org_id, name, description, slug, type, auto_capitalization, version, pit_version_limit, audit_logs_retention_days, " +
        "has_delete_protection, secret_sharing, show_snapshots_legacy, enforce_encrypted_secret_manager_secret_metadata, " +
        "secret_detection_ignore_values, created_at, updated_at";

    public static Task<ProjectRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<ProjectRow>($"SELECT {Columns} FROM projects WHERE id = @id", new { id }, tx);

    /// <summary>The projects an identity (or a user) is a member of.</summary>
    public static async Task<IReadOnlyList<string>> ProjectIdsOfMemberAsync(DbConnection conn, bool identity, string actorId) =>
        (await conn.QueryAsync<string>(
            $"SELECT DISTINCT project_id FROM project_memberships WHERE {(identity ? "identity_id" : "user_id")} = @actorId", new { actorId })).AsList();
}

public sealed class ProjectRow
{
    public string Id { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string Slug { get; init; } = "";
    public string Type { get; init; } = "secret-manager";
    public bool AutoCapitalization { get; init; }
    public long Version { get; init; } = 3;
    public long PitVersionLimit { get; init; } = 10;
    public long? AuditLogsRetentionDays { get; init; }
    public bool HasDeleteProtection { get; init; }
    public bool SecretSharing { get; init; } = true;
    public bool ShowSnapshotsLegacy { get; init; }
    public bool EnforceEncryptedSecretManagerSecretMetadata { get; init; }
    public string? SecretDetectionIgnoreValues { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
