using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>
/// Infisical's bound-field matching (<c>doesFieldValueMatchJwtPolicy</c>): a policy is a comma-separated list of values
/// ("a, b"); a string claim matches one exactly or as a picomatch glob, a boolean "true"/"false", a number its integer;
/// an array claim (an audience list) matches when one of its entries does. Globs are picomatch's with <c>bash: true</c>,
/// as Infisical calls it: <c>*</c> crosses <c>/</c> (so <c>repo:acme/*</c> matches GitHub's
/// <c>repo:acme/api:ref:refs/heads/main</c>), <c>?</c> is one character, <c>[…]</c> a class and <c>{a,b}</c> alternatives.
/// </summary>
public static partial class JwtPolicy
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Globs = new(StringComparer.Ordinal);

    private static Regex BashGlob(string pattern)
    {
        if (Globs.TryGetValue(pattern, out var cached)) return cached;
        if (Globs.Count > 4096) Globs.Clear();
        var sb = new StringBuilder("^");
        var depth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    while (i + 1 < pattern.Length && pattern[i + 1] == '*') i++;
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[' when pattern.IndexOf(']', i + 1) is var end && end > i + 1:
                    var body = pattern[(i + 1)..end];
                    sb.Append('[').Append(body.StartsWith('!') || body.StartsWith('^') ? "^" + Regex.Escape(body[1..]).Replace("\\-", "-", StringComparison.Ordinal) : Regex.Escape(body).Replace("\\-", "-", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                case '{':
                    depth++;
                    sb.Append("(?:");
                    break;
                case ',' when depth > 0:
                    sb.Append('|');
                    break;
                case '}' when depth > 0:
                    depth--;
                    sb.Append(')');
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        // An unbalanced brace is literal text, as in bash: compile the pattern as plain text then.
        var regex = depth == 0
            ? new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromMilliseconds(100))
            : new Regex("^" + Regex.Escape(pattern) + "$", RegexOptions.CultureInvariant);
        return Globs[pattern] = regex;
    }

    /// <summary>Infisical's stored form: entries trimmed, joined with ", " (empty stays empty).</summary>
    public static string Format(string value) =>
        value.Length == 0 ? "" : string.Join(", ", value.Split(',').Select(v => v.Trim()));

    public static bool Matches(JsonNode? claim, string policy) =>
        policy.Split(", ").Any(entry => MatchesOne(claim, entry));

    private static bool MatchesOne(JsonNode? claim, string entry) => claim switch
    {
        JsonArray list => list.Any(item => item is not JsonArray && MatchesOne(item, entry)),
        JsonValue v when v.TryGetValue<bool>(out var b) => b == (entry == "true"),
        JsonValue v when v.TryGetValue<double>(out var d) =>
            int.TryParse(entry.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && d == n,
        JsonValue v when v.TryGetValue<string>(out var s) => s == entry || BashGlob(entry).IsMatch(s),
        _ => false,
    };

    /// <summary>A claim by dotted path (<c>repository.owner</c>), as Infisical's <c>getValueByDot</c>.</summary>
    public static JsonNode? Get(JsonObject claims, string path)
    {
        JsonNode? node = claims;
        foreach (var segment in path.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var next) ? next : null;
        return node;
    }

    /// <summary>JavaScript's <c>String(value)</c>, which Infisical applies to a claim it maps into templates.</summary>
    public static string ToJsString(JsonNode? value) => value switch
    {
        null => "",
        JsonArray list => string.Join(',', list.Select(ToJsString)),
        JsonObject => "[object Object]",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<double>(out var d) =>
            d == Math.Floor(d) && Math.Abs(d) < 1e21 ? ((decimal)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    /// <summary>JavaScript's truthiness, which Infisical's <c>if (!value)</c> applies before matching.</summary>
    public static bool IsPresent(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.TryGetValue<double>(out var d) => d != 0 && !double.IsNaN(d),
        _ => true,
    };
}
