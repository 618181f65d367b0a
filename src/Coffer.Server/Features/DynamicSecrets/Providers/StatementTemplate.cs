using System.Text;
using System.Text.RegularExpressions;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// The Handlebars subset Infisical's providers use in their statements: <c>{{name}}</c> placeholders from a fixed list
/// per statement (creation may use the password, revocation may not), nothing else — no helpers, no blocks, so a
/// statement cannot compute anything. Checked when the inputs are saved; filled in when a lease is made.
/// </summary>
public static partial class StatementTemplate
{
    /// <summary>The first placeholder that is not one of <paramref name="allowed"/>, or null when all are.</summary>
    public static string? Disallowed(string template, IReadOnlyCollection<string> allowed)
    {
        foreach (Match m in Placeholder().Matches(template))
            if (!allowed.Contains(m.Groups["name"].Value)) return m.Groups["name"].Value;
        return HasUnclosed(template) ? "{{" : null;
    }

    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups["name"].Value, out var v) ? v : "");

    /// <summary>Statements as Infisical runs them: the template split at each <c>;</c>, empty parts dropped.</summary>
    public static IReadOnlyList<string> Split(string statements) =>
        [.. statements.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0)];

    private static bool HasUnclosed(string template)
    {
        var withoutPlaceholders = Placeholder().Replace(template, "");
        return withoutPlaceholders.Contains("{{", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{\{\{?\s*(?<name>[^{}\s]+)\s*\}?\}\}")]
    private static partial Regex Placeholder();
}
