using Coffer.Server.Features.Folders;

namespace Coffer.Server.Features.Secrets;

/// <summary>One entry of a list response's <c>imports</c>: the secrets one import brings, deeper imports folded in.</summary>
public sealed record ImportedGroup(string SecretPath, string Environment, string? FolderId, List<(SecretRow Row, SecretView View)> Secrets);

/// <summary>
/// Resolves secret imports as Infisical's <c>fnSecretsV2FromImports</c>: level by level to a depth of 10, each
/// environment/path visited once (so cyclic imports end), only shared secrets the caller may see, and the secrets of
/// imports-of-imports appended to the top-level import that led to them.
/// </summary>
public static class ImportedSecrets
{
    private const int MaxDepth = 10;

    public static async Task<List<ImportedGroup>> ResolveAsync(ProjectContent content, ProjectKeys? key, IReadOnlyList<ImportRow> rootImports,
        bool viewSecretValue, Func<string, string, string, IReadOnlyList<string>, bool> hasAccess)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var groups = new List<ImportedGroup>();
        var stack = new Stack<(IReadOnlyList<ImportRow> Imports, int Depth, List<(SecretRow, SecretView)>? Parent)>();
        stack.Push((rootImports, 0, null));
        while (stack.Count > 0)
        {
            var (imports, depth, parent) = stack.Pop();
            if (depth > MaxDepth) continue;
            var batch = new List<(ImportRow Import, EnvironmentFolders Env)>();
            foreach (var import in imports)
            {
                if (import.IsReplication) continue;
                var env = content.Tree.EnvironmentById(import.ImportEnvId);
                if (env is null || visited.Contains(VisitKey(env, import))) continue;
                batch.Add((import, env));
            }
            if (batch.Count == 0) continue;

            var folders = batch.Select(b => b.Env.Find(b.Import.ImportPath)).ToList();
            var folderIds = folders.Where(f => f is not null).Select(f => f!.Id).Distinct(StringComparer.Ordinal).ToList();
            if (folderIds.Count == 0) continue;
            var secrets = await content.SecretsAsync(folderIds);
            var deeper = await content.ImportsAsync(folderIds);
            foreach (var (import, env) in batch) visited.Add(VisitKey(env, import));

            for (var i = 0; i < batch.Count; i++)
            {
                var (import, env) = batch[i];
                var folder = folders[i];
                var slug = env.Environment.Slug;
                var path = SecretPath.RemoveTrailingSlash(import.ImportPath);
                var list = new List<(SecretRow, SecretView)>();
                if (folder is not null)
                {
                    foreach (var row in secrets[folder.Id])
                    {
                        if (row.IsPersonal || !hasAccess(slug, path, row.Key, row.TagSlugs)) continue;
                        list.Add((row, SecretFields.View(key, row, slug, path, hidden: !viewSecretValue, workspace: "")));
                    }
                    if (deeper[folder.Id].Count > 0) stack.Push((deeper[folder.Id], depth + 1, list));
                }
                if (parent is null) groups.Add(new ImportedGroup(path, slug, folder?.Id, list));
                else parent.AddRange(list);
            }
        }
        return groups;
    }

    private static string VisitKey(EnvironmentFolders env, ImportRow import) =>
        env.Environment.Slug + "=" + SecretPath.Normalize(import.ImportPath);
}
