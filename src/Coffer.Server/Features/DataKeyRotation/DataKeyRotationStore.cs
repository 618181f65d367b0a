using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.DynamicSecrets;
using Coffer.Server.Features.Kms;
using Coffer.Server.Features.Secrets;
using Dapper;

namespace Coffer.Server.Features.DataKeyRotation;

/// <summary>The sealed fields of one secret row or version row, with what their associated data names.</summary>
public sealed class SealedRow
{
    public string RowId { get; init; } = "";
    public string SecretId { get; init; } = "";
    public long Version { get; init; }
    public long KeyVersion { get; init; }
    public byte[] EncryptedValue { get; init; } = [];
    public byte[]? EncryptedComment { get; init; }
    public byte[]? EncryptedMetadata { get; init; }
}

/// <summary>A table of rows sealed under a project data key (see <see cref="DataKeyRotationStore.SealedTables"/>).</summary>
public sealed record SealedTable(string Table, string OwnerColumn, string ValueField, bool HasCommentAndMetadata);

/// <summary>The SQL of a data-key rotation. Rows are taken a batch at a time, locked (PostgreSQL) until their batch commits.</summary>
public static class DataKeyRotationStore
{
    /// <summary>
    /// The tables holding rows sealed under a project data key: the column naming the row's owner (the secret, the KMS
    /// key), the field name its value's associated data carries, and whether it also has a sealed comment and metadata.
    /// </summary>
    public static readonly IReadOnlyList<SealedTable> SealedTables =
    [
        new("secrets", "id", SecretCrypto.Value, true),
        new("secret_versions", "secret_id", SecretCrypto.Value, true),
        new("kms_key_versions", "kms_key_id", KmsService.MaterialField, false),
        new("dynamic_secrets", "id", DynamicSecretInputs.Field, false),
    ];

    public static async Task<List<long>> KeyVersionsAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        (await conn.QueryAsync<long>(
            "SELECT key_version FROM project_data_keys WHERE project_id = @projectId ORDER BY key_version", new { projectId }, tx)).AsList();

    /// <summary>Projects holding more than one data key: a rotation started and did not finish.</summary>
    /// <remarks>
    /// Plain ADO.NET, not Dapper: this runs at every start-up, and Dapper's first use loads the XML stack, megabytes an
    /// idle server otherwise never maps (Operations/IdleFootprintTests).
    /// </remarks>
    public static async Task<List<string>> UnfinishedAsync(DbConnection conn)
    {
        await using var command = conn.CreateCommand();
        command.CommandText = "SELECT project_id FROM project_data_keys GROUP BY project_id HAVING COUNT(*) > 1 ORDER BY project_id";
        await using var reader = await command.ExecuteReaderAsync();
        var projects = new List<string>();
        while (await reader.ReadAsync()) projects.Add(reader.GetString(0));
        return projects;
    }

    public static async Task<List<SealedRow>> UnderOlderKeysAsync(DbConnection conn, DbTransaction tx, SealedTable sealedTable,
        string projectId, long keyVersion, int limit) =>
        (await conn.QueryAsync<SealedRow>(
            $"""
            SELECT id AS row_id, {sealedTable.OwnerColumn} AS secret_id, version, key_version, encrypted_value,
                   {(sealedTable.HasCommentAndMetadata ? "encrypted_comment, encrypted_metadata" : "NULL AS encrypted_comment, NULL AS encrypted_metadata")}
            FROM {sealedTable.Table}
            WHERE project_id = @projectId AND key_version < @keyVersion
            ORDER BY id
            LIMIT @limit{SqlText.ForUpdate(conn, tx)}
            """, new { projectId, keyVersion, limit }, tx)).AsList();

    /// <summary>Writes a row's re-sealed fields, unless the row changed since it was read (a writer re-sealed it already).</summary>
    public static Task<int> ResealAsync(DbConnection conn, DbTransaction tx, SealedTable sealedTable, SealedRow before, long keyVersion,
        byte[] value, byte[]? comment, byte[]? metadata) =>
        conn.ExecuteAsync(
            $"""
            UPDATE {sealedTable.Table}
            SET encrypted_value = @value{(sealedTable.HasCommentAndMetadata ? ", encrypted_comment = @comment, encrypted_metadata = @metadata" : "")}, key_version = @keyVersion
            WHERE id = @id AND key_version = @oldKeyVersion AND version = @version
            """,
            new { value, comment, metadata, keyVersion, id = before.RowId, oldKeyVersion = before.KeyVersion, version = before.Version }, tx);

    public static async Task<bool> AnyUnderOlderKeysAsync(DbConnection conn, DbTransaction tx, string projectId, long keyVersion)
    {
        foreach (var sealedTable in SealedTables)
            if (await conn.ExecuteScalarAsync<long>(
                    $"SELECT COUNT(*) FROM (SELECT 1 FROM {sealedTable.Table} WHERE project_id = @projectId AND key_version < @keyVersion LIMIT 1) t",
                    new { projectId, keyVersion }, tx) > 0)
                return true;
        return false;
    }

    public static Task<int> DeleteOlderKeysAsync(DbConnection conn, DbTransaction tx, string projectId, long keyVersion) =>
        conn.ExecuteAsync("DELETE FROM project_data_keys WHERE project_id = @projectId AND key_version < @keyVersion", new { projectId, keyVersion }, tx);
}
