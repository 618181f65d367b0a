using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.DynamicSecrets;

public sealed class DynamicSecretRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string FolderId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public long Version { get; init; }
    public string DefaultTtl { get; init; } = "";
    public string? MaxTtl { get; init; }
    public string? UsernameTemplate { get; init; }
    public long KeyVersion { get; init; }
    public byte[] EncryptedValue { get; init; } = [];
    public string Metadata { get; init; } = "[]";
    public string? Status { get; init; }
    public string? StatusDetails { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

public sealed class LeaseRow
{
    public string Id { get; init; } = "";
    public string DynamicSecretId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public long Version { get; init; }
    public string ExternalEntityId { get; init; } = "";
    public long ExpireAt { get; init; }
    public string? Status { get; init; }
    public string? StatusDetails { get; init; }
    public long RevokeAttempts { get; init; }
    public long NextAttemptAt { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>Every query on dynamic secrets and their leases.</summary>
public static class DynamicSecretStore
{
    private const string Columns =
        "id, project_id, folder_id, name, type, version, default_ttl, max_ttl, username_template, key_version, encrypted_value, metadata, " +
        "status, status_details, created_at, updated_at";

    private const string LeaseColumns =
        "id, dynamic_secret_id, project_id, version, external_entity_id, expire_at, status, status_details, revoke_attempts, next_attempt_at, " +
        "created_at, updated_at";

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, DynamicSecretRow r) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO dynamic_secrets ({Columns})
            VALUES (@Id, @ProjectId, @FolderId, @Name, @Type, @Version, @DefaultTtl, @MaxTtl, @UsernameTemplate, @KeyVersion, @EncryptedValue,
                    @Metadata, @Status, @StatusDetails, @CreatedAt, @UpdatedAt)
            """, r, tx);

    /// <summary>Rewrites a row read at <paramref name="expectedVersion"/>; 0 when another writer changed it first.</summary>
    public static Task<int> UpdateAsync(DbConnection conn, DbTransaction tx, DynamicSecretRow r, long expectedVersion) =>
        conn.ExecuteAsync(
            """
            UPDATE dynamic_secrets
            SET name = @Name, version = @Version, default_ttl = @DefaultTtl, max_ttl = @MaxTtl, username_template = @UsernameTemplate,
                key_version = @KeyVersion, encrypted_value = @EncryptedValue, metadata = @Metadata, status = @Status,
                status_details = @StatusDetails, updated_at = @UpdatedAt
            WHERE id = @Id AND version = @expectedVersion
            """,
            new
            {
                r.Id,
                r.Name,
                r.Version,
                r.DefaultTtl,
                r.MaxTtl,
                r.UsernameTemplate,
                r.KeyVersion,
                r.EncryptedValue,
                r.Metadata,
                r.Status,
                r.StatusDetails,
                r.UpdatedAt,
                expectedVersion,
            }, tx);

    public static Task<DynamicSecretRow?> FindAsync(DbConnection conn, string folderId, string name, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<DynamicSecretRow>(
            $"SELECT {Columns} FROM dynamic_secrets WHERE folder_id = @folderId AND name = @name", new { folderId, name }, tx);

    public static Task<DynamicSecretRow?> FindByIdAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<DynamicSecretRow>($"SELECT {Columns} FROM dynamic_secrets WHERE id = @id", new { id }, tx);

    public static async Task<List<DynamicSecretRow>> ListAsync(DbConnection conn, string folderId) =>
        (await conn.QueryAsync<DynamicSecretRow>($"SELECT {Columns} FROM dynamic_secrets WHERE folder_id = @folderId ORDER BY name",
            new { folderId })).AsList();

    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM dynamic_secrets WHERE id = @id", new { id }, tx);

    /// <summary>Up to five names of the dynamic secrets in the folders (a folder or environment deletion must not orphan leases).</summary>
    public static async Task<List<string>> NamesInFoldersAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> folderIds) =>
        folderIds.Count == 0 ? [] : (await conn.QueryAsync<string>(
            $"SELECT name FROM dynamic_secrets WHERE {SqlText.In(conn, "folder_id", "folderIds")} ORDER BY name LIMIT 5",
            new { folderIds = folderIds.ToArray() }, tx)).AsList();

    /// <summary>Up to five names of the project's dynamic secrets.</summary>
    public static async Task<List<string>> NamesInProjectAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        (await conn.QueryAsync<string>("SELECT name FROM dynamic_secrets WHERE project_id = @projectId ORDER BY name LIMIT 5",
            new { projectId }, tx)).AsList();

    public static Task InsertLeaseAsync(DbConnection conn, DbTransaction tx, LeaseRow l) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO dynamic_secret_leases ({LeaseColumns})
            VALUES (@Id, @DynamicSecretId, @ProjectId, @Version, @ExternalEntityId, @ExpireAt, @Status, @StatusDetails, @RevokeAttempts,
                    @NextAttemptAt, @CreatedAt, @UpdatedAt)
            """, l, tx);

    public static Task<LeaseRow?> FindLeaseAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<LeaseRow>(
            $"SELECT {LeaseColumns} FROM dynamic_secret_leases WHERE id = @id{SqlText.ForUpdate(conn, tx)}", new { id }, tx);

    public static async Task<List<LeaseRow>> ListLeasesAsync(DbConnection conn, string dynamicSecretId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<LeaseRow>(
            $"SELECT {LeaseColumns} FROM dynamic_secret_leases WHERE dynamic_secret_id = @dynamicSecretId ORDER BY created_at, id",
            new { dynamicSecretId }, tx)).AsList();

    public static Task<long> CountLeasesAsync(DbConnection conn, string dynamicSecretId, DbTransaction? tx = null) =>
        conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM dynamic_secret_leases WHERE dynamic_secret_id = @dynamicSecretId",
            new { dynamicSecretId }, tx);

    public static Task<int> DeleteLeaseAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM dynamic_secret_leases WHERE id = @id", new { id }, tx);

    public static Task<int> RenewLeaseAsync(DbConnection conn, DbTransaction tx, string id, long expireAt, long now) =>
        conn.ExecuteAsync(
            """
            UPDATE dynamic_secret_leases
            SET expire_at = @expireAt, next_attempt_at = @expireAt, version = version + 1, updated_at = @now
            WHERE id = @id AND status IS NULL AND (claimed_until IS NULL OR claimed_until < @now)
            """, new { id, expireAt, now }, tx);

    /// <summary>
    /// Takes up to <paramref name="limit"/> leases whose revocation is due and that no instance holds, for
    /// <paramref name="holdUntil"/>: PostgreSQL skips rows another instance is claiming at the same moment, and the
    /// claim itself keeps them from every other instance until it lapses (a crashed instance's claims lapse too).
    /// </summary>
    public static async Task<List<LeaseRow>> ClaimDueAsync(DbConnection conn, DbTransaction tx, string instance, long now, long holdUntil, int limit)
    {
        var skipLocked = conn is Microsoft.Data.Sqlite.SqliteConnection ? "" : " FOR UPDATE SKIP LOCKED";
        var due = (await conn.QueryAsync<LeaseRow>(
            $"""
            SELECT {LeaseColumns} FROM dynamic_secret_leases
            WHERE next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
            ORDER BY next_attempt_at, id
            LIMIT @limit{skipLocked}
            """, new { now, limit }, tx)).AsList();
        if (due.Count > 0)
            await conn.ExecuteAsync(
                $"UPDATE dynamic_secret_leases SET claimed_until = @holdUntil, claimed_by = @instance WHERE {SqlText.In(conn, "id", "ids")}",
                new { holdUntil, instance, ids = due.Select(l => l.Id).ToArray() }, tx);
        return due;
    }

    /// <summary>Claims one lease for <paramref name="instance"/> unless another instance holds it; false when one does.</summary>
    public static async Task<bool> ClaimAsync(DbConnection conn, DbTransaction tx, string id, string instance, long now, long holdUntil) =>
        await conn.ExecuteAsync(
            """
            UPDATE dynamic_secret_leases SET claimed_until = @holdUntil, claimed_by = @instance
            WHERE id = @id AND (claimed_until IS NULL OR claimed_until < @now)
            """, new { id, instance, now, holdUntil }, tx) == 1;

    /// <summary>Releases a claim without other change (a renewal or revocation that did not go ahead).</summary>
    public static Task ReleaseAsync(DbConnection conn, DbTransaction tx, string id, string instance) =>
        conn.ExecuteAsync("UPDATE dynamic_secret_leases SET claimed_until = NULL, claimed_by = NULL WHERE id = @id AND claimed_by = @instance",
            new { id, instance }, tx);

    /// <summary>The revoker's record of a failed attempt: the error, and when to try again. The claim is released.</summary>
    public static Task<int> RecordFailureAsync(DbConnection conn, DbTransaction tx, string id, string status, string details, long nextAttemptAt,
        long now, string? instance) =>
        conn.ExecuteAsync(
            $"""
            UPDATE dynamic_secret_leases
            SET status = @status, status_details = @details, revoke_attempts = revoke_attempts + 1, next_attempt_at = @nextAttemptAt,
                claimed_until = NULL, claimed_by = NULL, updated_at = @now
            WHERE id = @id{(instance is null ? "" : " AND claimed_by = @instance")}
            """, new { id, status, details, nextAttemptAt, now, instance }, tx);

    /// <summary>Deletes a lease the provider confirmed revoked, if this instance still holds its claim.</summary>
    public static Task<int> DeleteClaimedLeaseAsync(DbConnection conn, DbTransaction tx, string id, string instance) =>
        conn.ExecuteAsync("DELETE FROM dynamic_secret_leases WHERE id = @id AND claimed_by = @instance", new { id, instance }, tx);

    /// <summary>When the next revocation falls due, or null when no lease is held.</summary>
    /// <remarks>
    /// Plain ADO.NET, not Dapper: the revoker asks every second from start-up, and Dapper's first use loads the XML
    /// stack, megabytes a server without dynamic secrets never needs (Operations/IdleFootprintTests).
    /// </remarks>
    public static async Task<long?> NextDueAsync(DbConnection conn)
    {
        await using var command = conn.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt_at) FROM dynamic_secret_leases";
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
