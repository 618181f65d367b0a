using System.Collections.Concurrent;
using System.Data.Common;
using Coffer.Server.Configuration;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// Each project's data keys, unwrapped once and kept in memory. A key version never changes once made (root-key
/// rotation rewraps it, the key itself stays), so a cached key is never wrong; what can go stale is the set of versions,
/// when a data-key rotation adds one. Readers notice a row under a version they lack, writers check in their
/// transaction that they sealed under the current version (<see cref="RequireCurrentAsync"/>); either way the work is
/// redone once with the keys reloaded (<see cref="WithKeysAsync{T}"/>). Keys are created with their project, or on the
/// first write that needs one, never on a read.
/// </summary>
public sealed class ProjectKeyRing(Db db, CofferOptions options, TimeProvider time)
{
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, ProjectKeys> _projects = new(StringComparer.Ordinal);

    /// <summary>The project's keys, or null when nothing was ever encrypted for it (then there is nothing to decrypt either).</summary>
    public ValueTask<ProjectKeys?> FindAsync(string projectId) =>
        // A ValueTask: every secret read asks, and almost always the keys are already here (a Task would be garbage each time).
        _projects.TryGetValue(projectId, out var keys) ? ValueTask.FromResult<ProjectKeys?>(keys) : new ValueTask<ProjectKeys?>(LoadAsync(projectId));

    /// <summary>Runs <paramref name="work"/> with the project's keys, once more with them reloaded if they turned out stale.</summary>
    public async Task<T> WithKeysAsync<T>(string projectId, Func<ProjectKeys?, Task<T>> work)
    {
        try
        {
            return await work(await FindAsync(projectId));
        }
        catch (StaleKeyRingException ex) when (ex.ProjectId == projectId)
        {
            return await work(await LoadAsync(projectId));
        }
    }

    /// <summary>As <see cref="WithKeysAsync{T}"/>, for work that seals: the project gets a key if it had none.</summary>
    public async Task<T> WithSealingKeysAsync<T>(string projectId, Func<ProjectKeys, Task<T>> work)
    {
        try
        {
            return await work(await GetOrCreateAsync(projectId));
        }
        catch (StaleKeyRingException ex) when (ex.ProjectId == projectId)
        {
            return await work(await LoadAsync(projectId) ?? await GetOrCreateAsync(projectId));
        }
    }

    /// <summary>
    /// Inside a write that sealed with <paramref name="keys"/>: refuses (to be redone) if a newer key exists. Called after
    /// the project's content version is bumped, which a rotation also bumps when it adds a key, so on PostgreSQL the two
    /// are ordered by that row's lock: either the write commits first and the rotation re-seals what it wrote, or the
    /// write sees the new key here.
    /// </summary>
    public static async Task RequireCurrentAsync(DbConnection conn, DbTransaction tx, ProjectKeys keys)
    {
        if (await ProjectKeyStore.NewestVersionAsync(conn, tx, keys.ProjectId) is { } version && version != keys.CurrentVersion)
            throw new StaleKeyRingException(keys.ProjectId);
    }

    /// <summary>
    /// The project's keys. Projects get theirs when they are created; the fallback creation (in its own short transaction)
    /// only serves projects made before that was so.
    /// </summary>
    public async Task<ProjectKeys> GetOrCreateAsync(string projectId)
    {
        if (await FindAsync(projectId) is { } existing) return existing;
        await db.WriteAsync(async (conn, tx) =>
        {
            // ON CONFLICT: another instance may create the key at the same moment; whichever row won is kept.
            await InsertAsync(conn, tx, projectId, 1, UnixMs.Now(time), onConflictDoNothing: true);
            return true;
        });
        return await LoadAsync(projectId) ?? throw new InvalidOperationException($"The data key of project {projectId} was not stored.");
    }

    /// <summary>
    /// Creates the data key of a new project inside the transaction that creates the project, so no later request (an
    /// allowed or a refused one) ever has to write a key first.
    /// </summary>
    public Task CreateAsync(DbConnection conn, DbTransaction tx, string projectId, long now) =>
        InsertAsync(conn, tx, projectId, 1, now, onConflictDoNothing: false);

    /// <summary>
    /// Adds the project's next key version, which becomes the current one when the transaction commits, and returns its
    /// number. Two rotations starting at once both land on the same new version (the second insert finds it there).
    /// </summary>
    public async Task<long> AddVersionAsync(DbConnection conn, DbTransaction tx, string projectId, long now)
    {
        var next = (await ProjectKeyStore.NewestVersionAsync(conn, tx, projectId) ?? 0) + 1;
        await InsertAsync(conn, tx, projectId, next, now, onConflictDoNothing: true);
        return next;
    }

    /// <summary>Reloads the project's keys from the database, keeping the versions already unwrapped.</summary>
    public async Task<ProjectKeys?> LoadAsync(string projectId)
    {
        var rows = await db.ReadAsync(conn => ProjectKeyStore.ListAsync(conn, projectId));
        if (rows.Count == 0)
        {
            _projects.TryRemove(projectId, out _);
            return null;
        }
        _projects.TryGetValue(projectId, out var known);
        var byVersion = new Dictionary<long, DataKey>();
        foreach (var row in rows)
            byVersion[row.KeyVersion] = known?.ByVersion.GetValueOrDefault(row.KeyVersion) ?? Unwrap(projectId, row);
        // Versions no longer stored are dropped from this snapshot (their rows were all re-sealed); requests still holding
        // the old snapshot keep their keys until they finish. Evicted keys are not disposed for the same reason.
        var keys = new ProjectKeys(projectId, rows[^1].KeyVersion, byVersion);
        if (_projects.Count >= MaxCached) _projects.Clear();
        _projects[projectId] = keys;
        return keys;
    }

    private Task InsertAsync(DbConnection conn, DbTransaction tx, string projectId, long keyVersion, long now, bool onConflictDoNothing)
    {
        var wrapped = DataKeys.NewWrapped(options.RootKey, KeyPurposes.ProjectSecretsDataKey, KeyPurposes.ProjectDataKeyOwner(projectId, keyVersion));
        return onConflictDoNothing
            ? ProjectKeyStore.InsertUnlessPresentAsync(conn, tx, projectId, keyVersion, wrapped, options.RootKey.KeyId, now)
            : ProjectKeyStore.InsertAsync(conn, tx, projectId, keyVersion, wrapped, options.RootKey.KeyId, now);
    }

    private DataKey Unwrap(string projectId, ProjectKeyRow row)
    {
        if (!string.Equals(row.RootKeyId, options.RootKey.KeyId, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The data key of project {projectId} is wrapped by root key {row.RootKeyId}, but this server runs with root key " +
                $"{options.RootKey.KeyId}. Start it with the root key the data was written under (see coffer-server rotate-root-key).");
        return DataKeys.Unwrap(options.RootKey, row.WrappedKey, KeyPurposes.ProjectSecretsDataKey, KeyPurposes.ProjectDataKeyOwner(projectId, row.KeyVersion));
    }
}
