using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Kms;

public sealed class KmsKeyRow
{
    public string Id { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public bool IsDisabled { get; init; }
    public string KeyUsage { get; init; } = "";
    public string Algorithm { get; init; } = "";
    public long Version { get; init; }
    public long MinDecryptionVersion { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>One version's material, sealed under the project data key <see cref="KeyVersion"/>.</summary>
public sealed class KmsKeyVersionRow
{
    public long Version { get; init; }
    public long KeyVersion { get; init; }
    public byte[] EncryptedValue { get; init; } = [];
    public byte[]? PublicKey { get; init; }
}

/// <summary>Every query on customer-managed keys and their versions.</summary>
public static class KmsStore
{
    private const string Columns =
        "id, org_id, project_id, name, description, is_disabled, key_usage, algorithm, version, min_decryption_version, created_at, updated_at";

    public static Task InsertKeyAsync(DbConnection conn, DbTransaction tx, KmsKeyRow k) =>
        conn.ExecuteAsync(
            $"""
            INSERT INTO kms_keys ({Columns})
            VALUES (@Id, @OrgId, @ProjectId, @Name, @Description, @IsDisabled, @KeyUsage, @Algorithm, @Version, @MinDecryptionVersion, @CreatedAt, @UpdatedAt)
            """, k, tx);

    public static Task InsertVersionAsync(DbConnection conn, DbTransaction tx, string keyId, string projectId, long version, long keyVersion,
        byte[] encryptedValue, byte[]? publicKey, long now) =>
        conn.ExecuteAsync(
            """
            INSERT INTO kms_key_versions (id, kms_key_id, project_id, version, key_version, encrypted_value, public_key, created_at, updated_at)
            VALUES (@id, @keyId, @projectId, @version, @keyVersion, @encryptedValue, @publicKey, @now, @now)
            """, new { id = Ids.New(), keyId, projectId, version, keyVersion, encryptedValue, publicKey, now }, tx);

    public static Task<KmsKeyRow?> FindAsync(DbConnection conn, string keyId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<KmsKeyRow>($"SELECT {Columns} FROM kms_keys WHERE id = @keyId{SqlText.ForUpdate(conn, tx)}", new { keyId }, tx);

    public static Task<KmsKeyRow?> FindByNameAsync(DbConnection conn, string projectId, string name) =>
        conn.QuerySingleOrDefaultAsync<KmsKeyRow>($"SELECT {Columns} FROM kms_keys WHERE project_id = @projectId AND name = @name",
            new { projectId, name });

    /// <summary>A page of the project's keys by name (Infisical's only order), optionally those whose name contains <paramref name="search"/>.</summary>
    public static async Task<(IReadOnlyList<KmsKeyRow> Keys, long Total)> ListAsync(DbConnection conn, string projectId, string? search, bool descending,
        int offset, int limit)
    {
        var filter = "project_id = @projectId" + (string.IsNullOrEmpty(search) ? "" : " AND lower(name) LIKE @pattern ESCAPE '\\'");
        var args = new { projectId, pattern = $"%{SqlText.EscapeLike(search?.ToLowerInvariant() ?? "")}%", offset, limit };
        var keys = (await conn.QueryAsync<KmsKeyRow>(
            $"SELECT {Columns} FROM kms_keys WHERE {filter} ORDER BY name {(descending ? "DESC" : "ASC")}, id LIMIT @limit OFFSET @offset", args)).AsList();
        var total = await conn.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM kms_keys WHERE {filter}", args);
        return (keys, total);
    }

    public static Task<int> UpdateAsync(DbConnection conn, DbTransaction tx, string keyId, string name, string? description, bool isDisabled, long now) =>
        conn.ExecuteAsync(
            "UPDATE kms_keys SET name = @name, description = @description, is_disabled = @isDisabled, updated_at = @now WHERE id = @keyId",
            new { keyId, name, description, isDisabled, now }, tx);

    public static Task SetVersionAsync(DbConnection conn, DbTransaction tx, string keyId, long version, long now) =>
        conn.ExecuteAsync("UPDATE kms_keys SET version = @version, updated_at = @now WHERE id = @keyId", new { keyId, version, now }, tx);

    public static Task SetMinDecryptionVersionAsync(DbConnection conn, DbTransaction tx, string keyId, long version, long now) =>
        conn.ExecuteAsync("UPDATE kms_keys SET min_decryption_version = @version, updated_at = @now WHERE id = @keyId", new { keyId, version, now }, tx);

    /// <summary>Its versions go with it (foreign key).</summary>
    public static Task DeleteAsync(DbConnection conn, DbTransaction tx, string keyId) =>
        conn.ExecuteAsync("DELETE FROM kms_keys WHERE id = @keyId", new { keyId }, tx);

    public static Task<KmsKeyVersionRow?> FindVersionAsync(DbConnection conn, string keyId, long version) =>
        conn.QuerySingleOrDefaultAsync<KmsKeyVersionRow>(
            "SELECT version, key_version, encrypted_value, public_key FROM kms_key_versions WHERE kms_key_id = @keyId AND version = @version",
            new { keyId, version });

    /// <summary>The public keys of a signing key's versions from <paramref name="minVersion"/> on, newest first.</summary>
    public static async Task<IReadOnlyList<(long Version, byte[] PublicKey)>> PublicKeysAsync(DbConnection conn, string keyId, long minVersion) =>
        (await conn.QueryAsync<(long, byte[])>(
            """
            SELECT version, public_key FROM kms_key_versions
            WHERE kms_key_id = @keyId AND version >= @minVersion AND public_key IS NOT NULL
            ORDER BY version DESC
            """, new { keyId, minVersion })).AsList();
}
