using Coffer.Server.Data;
using Coffer.Server.Features.SecretImports;
using Coffer.Server.Features.Secrets;

namespace Coffer.Server.Features.Events;

/// <summary>
/// A secret that changes also changes what every folder importing its folder shows: those folders get a
/// <c>secret:import-mutation</c>, as Infisical sends them, so a subscriber of an importing folder re-reads it.
/// </summary>
public sealed class ImportedChanges(Db db)
{
    public async Task<IReadOnlyList<ProjectEvent>> ForAsync(IReadOnlyList<ProjectEvent> events)
    {
        var sources = events.Where(e => e.SecretKey is not null)
            .Select(e => (e.ProjectId, e.Environment, e.SecretPath)).Distinct().ToList();
        if (sources.Count == 0) return [];
        var time = events[0].Time;
        return await db.ReadAsync(async conn =>
        {
            var result = new List<ProjectEvent>();
            foreach (var group in sources.GroupBy(s => s.ProjectId))
            {
                // Most folders are imported by none: the tree is loaded only when some folder imports a changed one.
                var importers = new List<string>();
                foreach (var (_, environment, path) in group)
                    importers.AddRange(await ImportStore.ImportingFoldersAsync(conn, group.Key, environment, path));
                if (importers.Count == 0) continue;
                var tree = await SecretStore.LoadTreeAsync(conn, group.Key);
                foreach (var folderId in importers.Distinct(StringComparer.Ordinal))
                {
                    if (tree.EnvironmentOf(folderId) is not { } env || env.ById(folderId) is not { } folder) continue;
                    result.Add(new ProjectEvent(group.Key, ProjectEventNames.ImportMutation, env.Environment.Slug, env.PathOf(folder), null, null, time));
                }
            }
            return result;
        });
    }
}
