namespace Coffer.Server.WebConsole.Components;

/// <summary>URLs of console pages, built in one place so every page escapes its parts the same way.</summary>
public static class ConsoleLinks
{
    public static string Overview(string projectId, string path = "/", string? query = null, string? reveal = null) =>
        $"/projects/{Uri.EscapeDataString(projectId)}{Query(("path", path == "/" ? null : path), ("q", query), ("reveal", reveal))}";

    public static string Editor(string projectId, string environment, string path = "/") =>
        $"/projects/{Uri.EscapeDataString(projectId)}/secrets/{Uri.EscapeDataString(environment)}{Query(("path", path == "/" ? null : path))}";

    public static string Secret(string projectId, string environment, string key, string path = "/") =>
        $"/projects/{Uri.EscapeDataString(projectId)}/secrets/{Uri.EscapeDataString(environment)}/{Uri.EscapeDataString(key)}{Query(("path", path == "/" ? null : path))}";

    public static string Folders(string projectId, string environment, string path = "/") =>
        $"/projects/{Uri.EscapeDataString(projectId)}/folders/{Uri.EscapeDataString(environment)}{Query(("path", path == "/" ? null : path))}";

    public static string Imports(string projectId, string environment, string path = "/") =>
        $"/projects/{Uri.EscapeDataString(projectId)}/imports/{Uri.EscapeDataString(environment)}{Query(("path", path == "/" ? null : path))}";

    /// <summary>A folder path from a query string as the API reads <c>secretPath</c>: default "/", trimmed, canonical.</summary>
    public static string FolderPath(string? raw) =>
        Features.Folders.SecretPath.Normalize(Features.Folders.SecretPath.RemoveTrailingSlash(string.IsNullOrWhiteSpace(raw) ? "/" : raw.Trim()));

    public static string Query(params (string Name, string? Value)[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    /// <summary>The folders from the root to <paramref name="path"/>, each with its own path, for a breadcrumb.</summary>
    public static IEnumerable<(string Name, string Path)> Crumbs(string path)
    {
        var current = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            yield return (part, current);
        }
    }

    public static string Child(string path, string folder) => path == "/" ? "/" + folder : path + "/" + folder;
}
