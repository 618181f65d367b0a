using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Secrets;

/// <summary>A reference the caller may not read; Infisical reports these as 403 (collected per request on lists).</summary>
public sealed class ReferenceDeniedException(string message) : Exception(message);

/// <summary>
/// Expands <c>${…}</c> references for one request, as Infisical does: same-folder and <c>env.path</c> forms, recursively,
/// a missing target left as written, a target the caller may not read (<c>readValue</c>) refused. Unlike Infisical,
/// which silently stops, a cycle or a chain deeper than <see cref="MaxDepth"/> is a 400 naming the chain.
/// Expanded values are memoised per request; a memo only ever holds a completed, cycle-free expansion.
/// </summary>
/// <param name="expectedSecrets">How many secrets the caller will hand to <see cref="Remember"/>: sized once, the memos
/// do not regrow on a list.</param>
public sealed class ReferenceExpander(ProjectContent content, ProjectKeys? key, PermissionSet permissions, int expectedSecrets = 0)
{
    public const int MaxDepth = 10;
    private const int MaxPasses = 10;
    private readonly Dictionary<SecretAddress, string> _expanded = new(expectedSecrets / 2);
    private readonly Dictionary<string, string> _plain = new(expectedSecrets, StringComparer.Ordinal);

    /// <summary>
    /// A value the caller already decrypted (a list decrypts every secret it returns), so a reference to that secret
    /// does not decrypt it a second time.
    /// </summary>
    public void Remember(SecretRow row, string plaintext)
    {
        if (!row.IsPersonal) _plain.TryAdd(row.Id, plaintext);
    }

    /// <summary>Expands one secret's value (no-op without references); applies Infisical's multi-line quoting when asked.</summary>
    /// <remarks>A ValueTask completed at once for the common value without references: lists ask for every secret.</remarks>
    public ValueTask<string> ExpandAsync(SecretAddress secret, string value, bool skipMultilineEncoding) =>
        value.Length == 0 || !SecretReferences.Contains(value)
            ? ValueTask.FromResult(value)
            : ExpandReferencesAsync(secret, value, skipMultilineEncoding);

    private async ValueTask<string> ExpandReferencesAsync(SecretAddress secret, string value, bool skipMultilineEncoding)
    {
        var own = await FetchAsync(secret);
        if (!CanRead(secret, own))
            throw new ReferenceDeniedException(
                $"You do not have permission to read secret '{secret.Key}' in environment '{secret.Environment}' at path '{secret.Path}'.");
        var expanded = await ResolveAsync(secret, value, [secret], secret);
        return skipMultilineEncoding ? FormatMultiline(expanded) : expanded;
    }

    private async ValueTask<string> ResolveAsync(SecretAddress at, string value, List<SecretAddress> chain, SecretAddress root)
    {
        var references = SecretReferences.Find(value);
        for (var pass = 0; pass <= MaxPasses && references.Count > 0; pass++)
        {
            foreach (var reference in references)
            {
                if (SecretReferences.Resolve(reference, at.Environment, at.Path) is not { } target) continue;
                var row = await FetchAsync(target);
                if (!CanRead(target, row))
                    throw new ReferenceDeniedException(
                        $"You do not have permission to read secret '{target.Key}' in environment '{target.Environment}' at path '{target.Path}', " +
                        $"which is referenced by secret '{root.Key}' in environment '{root.Environment}' at path '{root.Path}'.");
                if (row is null) continue; // Left as written, like Infisical.
                if (chain.Contains(target)) throw Circular(chain, target);
                if (chain.Count > MaxDepth) throw TooDeep(chain, target, root);
                if (!_expanded.TryGetValue(target, out var replacement))
                {
                    var raw = key is null ? "" : Plain(row);
                    // Most targets are plain values: no chain to copy, nothing to resolve.
                    replacement = SecretReferences.Contains(raw) ? await ResolveAsync(target, raw, [.. chain, target], root) : raw;
                    _expanded[target] = replacement;
                }
                value = value.Replace(reference, replacement, StringComparison.Ordinal);
            }

            // A substitution can assemble a new reference (${dev.${dev.VENDOR}.KEY}); run again over anything new.
            var after = SecretReferences.Find(value);
            if (!HasNew(after, references)) break;
            references = after;
        }
        return value;
    }

    // Built here, not inline: a lambda capturing the loop's target allocated a closure on every reference resolved.
    private static BadRequestException Circular(List<SecretAddress> chain, SecretAddress target) =>
        new($"Circular secret reference detected: {string.Join(" -> ", chain.SkipWhile(c => c != target).Append(target))}");

    private static BadRequestException TooDeep(List<SecretAddress> chain, SecretAddress target, SecretAddress root) =>
        new($"Secret reference depth limit of {MaxDepth} exceeded while expanding secret '{root.Key}' in environment " +
            $"'{root.Environment}' at path '{root.Path}': {string.Join(" -> ", chain.Append(target))}");

    private static bool HasNew(IReadOnlyList<string> after, IReadOnlyList<string> before)
    {
        foreach (var reference in after)
            if (!before.Contains(reference, StringComparer.Ordinal)) return true;
        return false;
    }

    private ValueTask<SecretRow?> FetchAsync(SecretAddress address)
    {
        var folder = content.Tree.Find(address.Environment, address.Path);
        return folder is null ? ValueTask.FromResult<SecretRow?>(null) : content.FindSharedAsync(folder.Id, address.Key);
    }

    private string Plain(SecretRow row)
    {
        if (_plain.TryGetValue(row.Id, out var known)) return known;
        var value = SecretFields.Value(key!, row);
        _plain[row.Id] = value;
        return value;
    }

    private bool CanRead(SecretAddress address, SecretRow? row) =>
        permissions.CanAccessSecret(PermissionAction.ReadValue,
            SubjectFields.Secret(address.Environment, address.Path, address.Key, row?.TagSlugs ?? []));

    /// <summary>Infisical's <c>formatMultiValueEnv</c>: a multi-line value becomes one quoted line with \n escapes.</summary>
    private static string FormatMultiline(string value) =>
        value.Contains('\n', StringComparison.Ordinal) ? "\"" + value.Replace("\n", "\\n", StringComparison.Ordinal) + "\"" : value;
}
