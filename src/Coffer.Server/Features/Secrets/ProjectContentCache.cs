using System.Collections.Concurrent;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.Folders;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// What a project's secret reads need, cached per project for one content version and one security epoch: the folder
/// trees, and (filled as folders are asked for) each folder's secrets with tags, still sealed, and its imports.
/// Every read request costs one tiny query (the content version); a hit costs nothing more. Writers bump the version
/// in their transaction, so every instance rebuilds on its next request after a change.
/// </summary>
public sealed class ProjectContentCache(Db db)
{
    private const int MaxProjects = 2_000;
    private readonly ConcurrentDictionary<string, ProjectContent> _projects = new(StringComparer.Ordinal);

    /// <summary>
    /// The project's content as of now, for <paramref name="actor"/>'s request: its security epoch covers environment
    /// changes, which move that epoch; the content version read with it (if any, and only once) saves a query.
    /// </summary>
    public Task<ProjectContent> GetAsync(string projectId, Actor actor) =>
        actor.ContentVersionHint is { } hint && hint.TryTake(projectId, out var version)
            ? GetAsync(projectId, actor.Epoch, version)
            : GetAsync(projectId, actor.Epoch);

    private async Task<ProjectContent> GetAsync(string projectId, long securityEpoch) =>
        // The version is read before anything it stands for, so a cached entry never holds newer data under an older number.
        await GetAsync(projectId, securityEpoch, await db.ReadContentVersionAsync(projectId));

    private async Task<ProjectContent> GetAsync(string projectId, long securityEpoch, long version)
    {
        var hit = _projects.TryGetValue(projectId, out var cached) && cached!.Version == version && cached.SecurityEpoch == securityEpoch;
        CofferMetrics.CacheLookup("project_content", hit);
        if (hit) return cached!;
        var tree = await db.ReadAsync(conn => SecretStore.LoadTreeAsync(conn, projectId));
        var fresh = new ProjectContent(projectId, version, securityEpoch, tree, db);
        if (_projects.Count >= MaxProjects) _projects.Clear();
        _projects[projectId] = fresh;
        return fresh;
    }

    /// <summary>Drops this instance's copy at once after a local write (other instances notice the version).</summary>
    public void Forget(string projectId) => _projects.TryRemove(projectId, out _);
}

/// <summary>One project's content at one version. Secrets and imports are loaded per folder on first use.</summary>
public sealed class ProjectContent(string projectId, long version, long securityEpoch, ProjectTree tree, Db db)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<SecretRow>> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<ImportRow>> _imports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<string, SecretRow>> _sharedByKey = new(StringComparer.Ordinal);

    public string ProjectId { get; } = projectId;
    public long Version { get; } = version;
    public long SecurityEpoch { get; } = securityEpoch;
    public ProjectTree Tree { get; } = tree;

    /// <summary>The secrets of each folder (shared and every user's personal ones), loading missing folders in one query.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<SecretRow>>> SecretsAsync(IReadOnlyCollection<string> folderIds)
    {
        var missing = folderIds.Where(id => !_secrets.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var rows = await db.ReadAsync(conn => SecretStore.ListByFoldersAsync(conn, missing));
            var byFolder = rows.ToLookup(r => r.FolderId, StringComparer.Ordinal);
            foreach (var folderId in missing) _secrets.TryAdd(folderId, byFolder[folderId].ToArray());
        }
        var result = new Dictionary<string, IReadOnlyList<SecretRow>>(StringComparer.Ordinal);
        foreach (var id in folderIds) result[id] = _secrets[id];
        return result;
    }

    public async Task<IReadOnlyList<SecretRow>> SecretsAsync(string folderId) =>
        _secrets.TryGetValue(folderId, out var rows) ? rows : (await SecretsAsync([folderId]))[folderId];

    /// <summary>
    /// The shared (non-personal) secret of a folder by key. Reference expansion looks targets up by name, several times
    /// per secret on a list; an index per folder turns each lookup from a scan of the folder into one hash probe.
    /// </summary>
    /// <remarks>A ValueTask completed at once once the index exists: a list asks for every reference of every secret.</remarks>
    public ValueTask<SecretRow?> FindSharedAsync(string folderId, string key) =>
        _sharedByKey.TryGetValue(folderId, out var index)
            ? ValueTask.FromResult(index.GetValueOrDefault(key))
            : new ValueTask<SecretRow?>(IndexAndFindAsync(folderId, key));

    private async Task<SecretRow?> IndexAndFindAsync(string folderId, string key)
    {
        var built = new Dictionary<string, SecretRow>(StringComparer.Ordinal);
        foreach (var row in await SecretsAsync(folderId))
            if (!row.IsPersonal) built.TryAdd(row.Key, row);
        return _sharedByKey.GetOrAdd(folderId, built).GetValueOrDefault(key);
    }

    /// <summary>The imports of each folder, by position.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ImportRow>>> ImportsAsync(IReadOnlyCollection<string> folderIds)
    {
        var missing = folderIds.Where(id => !_imports.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var rows = await db.ReadAsync(conn => SecretImports.ImportStore.ListInFoldersAsync(conn, missing));
            var byFolder = rows.ToLookup(r => r.FolderId, StringComparer.Ordinal);
            foreach (var folderId in missing) _imports.TryAdd(folderId, byFolder[folderId].ToArray());
        }
        var result = new Dictionary<string, IReadOnlyList<ImportRow>>(StringComparer.Ordinal);
        foreach (var id in folderIds) result[id] = _imports[id];
        return result;
    }
}
