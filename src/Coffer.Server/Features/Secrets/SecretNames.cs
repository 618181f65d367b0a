using System.Buffers;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// What a new secret name may not contain beyond Infisical's rule (no ":" or "/"): whitespace, control characters and
/// the characters that let a name break out of a reference, a dotenv line or a shell (see docs/compatibility.md).
/// </summary>
public static class SecretNames
{
    public const string Rule = "Secret name cannot contain whitespace, control characters or any of = $ { } ' \" ` ; \\";

    /// <summary>Infisical's own rule for secret names.</summary>
    public const string ColonOrSlash = "Secret name cannot contain colon or forward slash.";

    /// <summary>Why a new secret name (already trimmed) is refused, or null: the API's rules, for the console's forms.</summary>
    public static string? ProblemWith(string name) =>
        name.Length == 0 ? "Enter a name for the secret."
        : name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) ? ColonOrSlash
        : IsAllowed(name) ? null : Rule;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("=${}'\"`;\\");

    public static bool IsAllowed(string name)
    {
        if (name.AsSpan().ContainsAny(Forbidden)) return false;
        foreach (var c in name)
            if (char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
                return false;
        return true;
    }
}
