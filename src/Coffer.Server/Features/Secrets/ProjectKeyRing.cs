using System.Collections.Concurrent;
using System.Data.Common;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Coffer.Server.Http;
using Dapper;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// Each project's data key, unwrapped once and kept in memory. A data key never changes for the life of its project
/// (root-key rotation rewraps it, the key itself stays), so the cache needs no invalidation; a deleted project's key
/// simply stops being asked for. Keys are created on the first write that needs one, never on a read.
/// </summary>
public sealed class ProjectKeyRing(Db db, CofferOptions options, TimeProvider time)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, DataKey> _keys = new(StringComparer.Ordinal);

    /// <summary>The project's key, or null when nothing was ever encrypted for it (then there is nothing to decrypt either).</summary>
    public ValueTask<DataKey?> FindAsync(string projectId) =>
        // A ValueTask: every secret read asks, and almost always the key is already here (a Task would be garbage each time).
        _keys.TryGetValue(projectId, out var key) ? ValueTask.FromResult<DataKey?>(key) : new ValueTask<DataKey?>(LoadAsync(projectId));

    private async Task<DataKey?> LoadAsync(string projectId)
    {
        var row = await db.ReadAsync(conn => ReadAsync(conn, projectId, null));
        return row is null ? null : Remember(projectId, row);
    }

    /// <summary>
    /// The project's key. Projects get theirs when they are created; the fallback creation (in its own short transaction)
    /// only serves projects made before that was so.
    /// </summary>
    public async Task<DataKey> GetOrCreateAsync(string projectId)
    {
        if (await FindAsync(projectId) is { } existing) return existing;
        var row = await db.WriteAsync(async (conn, tx) =>
        {
            if (await ReadAsync(conn, projectId, tx) is { } raced) return raced;
            using var fresh = DataKeys.Generate();
            var now = UnixMs.Now(time);
            var created = new KeyRow
            {
                WrappedKey = DataKeys.Wrap(options.RootKey, fresh, KeyPurposes.ProjectSecretsDataKey, projectId),
                RootKeyId = options.RootKey.KeyId,
            };
            // ON CONFLICT: another instance may create the key at the same moment; whichever row won is read back.
            await conn.ExecuteAsync(
                """
                INSERT INTO project_data_keys (id, project_id, wrapped_key, root_key_id, created_at, updated_at)
                VALUES (@id, @projectId, @wrapped, @rootKeyId, @now, @now)
                ON CONFLICT (project_id) DO NOTHING
                """,
                new { id = Ids.New(), projectId, wrapped = created.WrappedKey, rootKeyId = created.RootKeyId, now }, tx);
            return await ReadAsync(conn, projectId, tx) ?? created;
        });
        return Remember(projectId, row);
    }

    /// <summary>
    /// Creates the data key of a new project inside the transaction that creates the project, so no later request (an
    /// allowed or a refused one) ever has to write a key first.
    /// </summary>
    public Task CreateAsync(DbConnection conn, DbTransaction tx, string projectId, long now)
    {
        using var fresh = DataKeys.Generate();
        return conn.ExecuteAsync(
            """
            INSERT INTO project_data_keys (id, project_id, wrapped_key, root_key_id, created_at, updated_at)
            VALUES (@id, @projectId, @wrapped, @rootKeyId, @now, @now)
            """,
            new
            {
                id = Ids.New(),
                projectId,
                wrapped = DataKeys.Wrap(options.RootKey, fresh, KeyPurposes.ProjectSecretsDataKey, projectId),
                rootKeyId = options.RootKey.KeyId,
                now,
            }, tx);
    }

    private DataKey Remember(string projectId, KeyRow row)
    {
        if (!string.Equals(row.RootKeyId, options.RootKey.KeyId, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The data key of project {projectId} is wrapped by root key {row.RootKeyId}, but this server runs with root key " +
                $"{options.RootKey.KeyId}. Start it with the root key the data was written under (see coffer-server rotate-root-key).");
        var key = DataKeys.Unwrap(options.RootKey, row.WrappedKey, KeyPurposes.ProjectSecretsDataKey, projectId);
        // Evicted keys are not disposed: a request may still be using one. The GC reclaims them.
        if (_keys.Count >= MaxCached) _keys.Clear();
        return _keys.GetOrAdd(projectId, key);
    }

    private static Task<KeyRow?> ReadAsync(DbConnection conn, string projectId, DbTransaction? tx) =>
        conn.QuerySingleOrDefaultAsync<KeyRow>(
            "SELECT wrapped_key, root_key_id FROM project_data_keys WHERE project_id = @projectId", new { projectId }, tx);

    private sealed class KeyRow
    {
        public byte[] WrappedKey { get; init; } = [];
        public string RootKeyId { get; init; } = "";
    }
}
