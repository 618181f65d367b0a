using Coffer.Server.Features.Environments;

namespace Coffer.Server.Features.Folders;

/// <summary>One environment's folder tree, indexed for path lookups. Immutable once built.</summary>
public sealed class EnvironmentFolders
{
    private readonly Dictionary<string, FolderRow> _byId;
    private readonly Dictionary<string, List<FolderRow>> _children;
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderRow> _byPath = new(StringComparer.Ordinal);

    public EnvironmentFolders(EnvironmentRow environment, IEnumerable<FolderRow> folders)
    {
        Environment = environment;
        _byId = new Dictionary<string, FolderRow>(StringComparer.Ordinal);
        _children = new Dictionary<string, List<FolderRow>>(StringComparer.Ordinal);
        FolderRow? root = null;
        foreach (var folder in folders)
        {
            _byId[folder.Id] = folder;
            if (folder.ParentId is null)
            {
                root = folder;
                continue;
            }
            if (!_children.TryGetValue(folder.ParentId, out var list)) _children[folder.ParentId] = list = [];
            list.Add(folder);
        }
        foreach (var list in _children.Values) list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        Root = root;
        if (root is not null) IndexPaths(root, "/");
    }

    public EnvironmentRow Environment { get; }

    /// <summary>Null only for an environment whose root folder is missing, which Coffer never creates.</summary>
    public FolderRow? Root { get; }

    /// <summary>The folder at <paramref name="path"/> (any form: "a/b", "/a/b", "/a/b/"), or null.</summary>
    public FolderRow? Find(string path)
    {
        // Canonical paths, which is what lookups almost always pass (reference expansion: once per reference), by index.
        if (_byPath.TryGetValue(path, out var indexed)) return indexed;
        var current = Root;
        foreach (var segment in SecretPath.Segments(path))
        {
            if (current is null) return null;
            current = ChildNamed(current.Id, segment);
        }
        return current;
    }

    /// <summary>The deepest existing folder along <paramref name="path"/>, and how many leading segments it covers.</summary>
    public (FolderRow? Folder, int Depth) Closest(string path)
    {
        var current = Root;
        var depth = 0;
        if (current is null) return (null, 0);
        foreach (var segment in SecretPath.Segments(path))
        {
            var next = ChildNamed(current.Id, segment);
            if (next is null) break;
            current = next;
            depth++;
        }
        return (current, depth);
    }

    public FolderRow? ById(string id) => _byId.GetValueOrDefault(id);

    public FolderRow? ChildNamed(string parentId, string name)
    {
        if (!_children.TryGetValue(parentId, out var list)) return null;
        foreach (var child in list)
            if (string.Equals(child.Name, name, StringComparison.Ordinal)) return child;
        return null;
    }

    public IReadOnlyList<FolderRow> Children(string parentId) =>
        _children.TryGetValue(parentId, out var list) ? list : [];

    /// <summary>The canonical path of a folder of this environment ("/" for the root).</summary>
    public string PathOf(FolderRow folder) => _paths.GetValueOrDefault(folder.Id, "/");

    /// <summary>The folder and everything below it, parents before children, siblings by name.</summary>
    public IEnumerable<FolderRow> SelfAndDescendants(FolderRow folder)
    {
        yield return folder;
        foreach (var child in Children(folder.Id))
            foreach (var below in SelfAndDescendants(child))
                yield return below;
    }

    private void IndexPaths(FolderRow folder, string path)
    {
        _paths[folder.Id] = path;
        _byPath.TryAdd(path, folder);
        foreach (var child in Children(folder.Id)) IndexPaths(child, SecretPath.Join(path, child.Name));
    }
}

/// <summary>Every environment of a project with its folder tree: what path lookups and permission checks need.</summary>
public sealed class ProjectTree(IReadOnlyList<EnvironmentFolders> environments)
{
    private readonly Dictionary<string, EnvironmentFolders> _bySlug =
        environments.ToDictionary(e => e.Environment.Slug, StringComparer.Ordinal);

    private readonly Dictionary<string, EnvironmentFolders> _byFolderId = environments
        .SelectMany(e => e.SelfAndDescendantsOfRoot().Select(f => (f.Id, e)))
        .ToDictionary(p => p.Id, p => p.e, StringComparer.Ordinal);

    public IReadOnlyList<EnvironmentFolders> Environments { get; } = environments;

    public EnvironmentFolders? Environment(string slug) => _bySlug.GetValueOrDefault(slug);

    public EnvironmentFolders? EnvironmentById(string envId) =>
        Environments.FirstOrDefault(e => string.Equals(e.Environment.Id, envId, StringComparison.Ordinal));

    /// <summary>The folder at a path of an environment, or null when the environment or the path does not exist.</summary>
    public FolderRow? Find(string environmentSlug, string path) => Environment(environmentSlug)?.Find(path);

    /// <summary>The environment a folder belongs to, or null for an unknown folder id.</summary>
    public EnvironmentFolders? EnvironmentOf(string folderId) => _byFolderId.GetValueOrDefault(folderId);
}

internal static class EnvironmentFoldersExtensions
{
    public static IEnumerable<FolderRow> SelfAndDescendantsOfRoot(this EnvironmentFolders env) =>
        env.Root is null ? [] : env.SelfAndDescendants(env.Root);
}
