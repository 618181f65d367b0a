using Coffer.Cli.Api;

namespace Coffer.Cli.Secrets;

/// <summary>
/// Turns list answers into the flat set a process sees, with Infisical's CLI rules
/// (util/secrets.go InjectRawImportedSecret and OverrideSecrets).
/// </summary>
internal static class SecretMerger
{
    public static Secret FromDto(SecretDto dto, string? pathFallback = null) => new(
        dto.SecretKey,
        dto.SecretValue,
        string.IsNullOrEmpty(dto.Type) ? SecretTypes.Shared : dto.Type,
        dto.Id ?? dto.LegacyId,
        dto.Workspace,
        dto.SecretPath ?? pathFallback,
        dto.SecretComment,
        dto.Tags?.Select(t => t.Slug ?? "").Where(s => s.Length > 0).ToArray(),
        dto.SkipMultilineEncoding ?? false);

    /// <summary>
    /// Secrets of the folder itself come first and win. Imports only add keys not seen yet, and they
    /// are walked from the last to the first, so a later import wins over an earlier one.
    /// </summary>
    public static List<Secret> WithImports(ListSecretsResponse response, string secretPath)
    {
        var result = response.Secrets.Select(s => FromDto(s, secretPath)).ToList();
        if (response.Imports is null)
        {
            return result;
        }

        var seen = new HashSet<string>(result.Select(s => s.Key), StringComparer.Ordinal);
        for (var i = response.Imports.Count - 1; i >= 0; i--)
        {
            var import = response.Imports[i];
            foreach (var dto in import.Secrets)
            {
                if (seen.Add(dto.SecretKey))
                {
                    result.Add(FromDto(dto, import.SecretPath));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// One secret per key: with <paramref name="preferPersonal"/> (the default <c>--secret-overriding</c>)
    /// a personal override replaces the shared value, otherwise the shared value wins. Sorted by key.
    /// </summary>
    public static List<Secret> Override(IEnumerable<Secret> secrets, bool preferPersonal)
    {
        var preferred = preferPersonal ? SecretTypes.Personal : SecretTypes.Shared;
        var byKey = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (!byKey.TryGetValue(secret.Key, out var existing) || (secret.Type == preferred && existing.Type != preferred))
            {
                byKey[secret.Key] = secret;
            }
        }

        return [.. byKey.Values.OrderBy(s => s.Key, StringComparer.Ordinal)];
    }

    /// <summary>A fingerprint of keys and values, Infisical's way of noticing changes in <c>run --watch</c>.</summary>
    public static string Fingerprint(IEnumerable<Secret> secrets)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var s in secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            // Length prefixes keep ("AB","C") and ("A","BC") apart.
            foreach (var part in new[] { s.Key, s.Value })
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(part);
                sha.AppendData(BitConverter.GetBytes(bytes.Length));
                sha.AppendData(bytes);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
