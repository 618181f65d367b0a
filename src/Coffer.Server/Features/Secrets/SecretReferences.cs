using System.Text.RegularExpressions;
using Coffer.Server.Features.Folders;

namespace Coffer.Server.Features.Secrets;

/// <summary>A secret a reference points at: <c>${KEY}</c> (same folder) or <c>${env.folder.sub.KEY}</c>.</summary>
public readonly record struct SecretAddress(string Environment, string Path, string Key)
{
    public override string ToString() => $"{Environment}:{Path}:{Key}";
}

/// <summary>
/// Infisical's reference syntax: <c>${…}</c> around one or more letters, digits, "-", "_", "." and "@", with its own
/// pattern, source-generated. Lists look at every value, so the scan allocates nothing but the texts it returns.
/// </summary>
public static partial class SecretReferences
{
    [GeneratedRegex(@"\$\{([a-zA-Z0-9\-_.@]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool Contains(string value) => Pattern().IsMatch(value);

    /// <summary>The distinct reference texts (<c>${…}</c>) in a value, in order of appearance.</summary>
    public static IReadOnlyList<string> Find(string value)
    {
        List<string>? found = null;
        foreach (var match in Pattern().EnumerateMatches(value))
        {
            var reference = value.Substring(match.Index, match.Length);
            found ??= [];
            if (!found.Contains(reference, StringComparer.Ordinal)) found.Add(reference);
        }
        return found ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// Where a reference points, seen from a secret in <paramref name="from"/>'s folder; null for forms Coffer does not
    /// resolve (cross-project <c>@slug</c>), which stay as written, as Infisical leaves them without cross-project sharing.
    /// </summary>
    public static SecretAddress? Resolve(string reference, string fromEnvironment, string fromPath)
    {
        var inner = reference[2..^1].Trim();
        // The usual ${KEY}: no parts to split.
        if (!inner.Contains('.', StringComparison.Ordinal))
            return inner.StartsWith('@') ? null : new SecretAddress(fromEnvironment, fromPath, inner);
        var parts = inner.Split('.');
        if (parts.Length == 0 || parts[0].StartsWith('@')) return null;
        if (parts.Length == 1) return new SecretAddress(fromEnvironment, fromPath, parts[0]);
        var path = SecretPath.Normalize(string.Join('/', parts[1..^1]));
        return new SecretAddress(parts[0], path, parts[^1]);
    }

    /// <summary>The secrets a value refers to (for write-time checks), resolved from the folder it is written in.</summary>
    public static IEnumerable<SecretAddress> Addresses(string value, string environment, string path)
    {
        foreach (var reference in Find(value))
            if (Resolve(reference, environment, path) is { } address)
                yield return address;
    }
}
