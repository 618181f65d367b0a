using System.Text.RegularExpressions;

namespace Coffer.Server.Features.Folders;

/// <summary>Infisical's path helpers: paths are "/"-separated folder names below an environment's root.</summary>
public static partial class SecretPath
{
    /// <summary>Infisical's <c>removeTrailingSlash</c>: one trailing slash goes, "/" itself stays.</summary>
    public static string RemoveTrailingSlash(string path) =>
        path == "/" || !path.EndsWith('/') ? path : path[..^1];

    /// <summary>Infisical's <c>prefixWithSlash</c>.</summary>
    public static string PrefixWithSlash(string path) => path.StartsWith('/') ? path : "/" + path;

    /// <summary>The folder names a path walks through; empty segments ("//", leading or trailing "/") are ignored.</summary>
    public static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The canonical form: "/" or "/a/b".</summary>
    public static string Normalize(string path) => "/" + string.Join('/', Segments(path));

    public static string Join(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;

    /// <summary>Whether <paramref name="path"/> is <paramref name="ancestor"/> or lies below it (both canonical).</summary>
    public static bool IsSameOrBelow(string path, string ancestor) =>
        ancestor == "/" || path == ancestor || path.StartsWith(ancestor + "/", StringComparison.Ordinal);

    /// <summary>Infisical's folder-name rule: letters, digits, "-" and "_" only.</summary>
    public static bool IsValidFolderName(string name) => FolderName().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex FolderName();
}
