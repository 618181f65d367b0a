using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Secrets;

/// <summary>A project's data key as stored: wrapped by the root key it names.</summary>
public sealed class ProjectKeyRow
{
    public long KeyVersion { get; init; }
    public byte[] WrappedKey { get; init; } = [];
    public string RootKeyId { get; init; } = "";
}

/// <summary>Every query on projects' wrapped data keys.</summary>
public static class ProjectKeyStore
{
    private const string Insert =
        """
        INSERT INTO project_data_keys (id, project_id, key_version, wrapped_key, root_key_id, created_at, updated_at)
        VALUES (@id, @projectId, @keyVersion, @wrapped, @rootKeyId, @now, @now)
        """;

    public static Task<long?> NewestVersionAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        conn.ExecuteScalarAsync<long?>("SELECT MAX(key_version) FROM project_data_keys WHERE project_id = @projectId", new { projectId }, tx);

    /// <summary>The project's keys, oldest version first.</summary>
    public static async Task<List<ProjectKeyRow>> ListAsync(DbConnection conn, string projectId) =>
        (await conn.QueryAsync<ProjectKeyRow>(
            "SELECT key_version, wrapped_key, root_key_id FROM project_data_keys WHERE project_id = @projectId ORDER BY key_version",
            new { projectId })).AsList();

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, string projectId, long keyVersion, byte[] wrapped, string rootKeyId, long now) =>
        conn.ExecuteAsync(Insert, new { id = Ids.New(), projectId, keyVersion, wrapped, rootKeyId, now }, tx);

    /// <summary>Inserts the key version unless a concurrent writer already did (the first one stays).</summary>
    public static Task InsertUnlessPresentAsync(DbConnection conn, DbTransaction tx, string projectId, long keyVersion, byte[] wrapped,
        string rootKeyId, long now) =>
        conn.ExecuteAsync(Insert + " ON CONFLICT (project_id, key_version) DO NOTHING",
            new { id = Ids.New(), projectId, keyVersion, wrapped, rootKeyId, now }, tx);
}
