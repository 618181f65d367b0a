using System.Text;

namespace Coffer.Server.WebConsole;

/// <summary>
/// The .env format as the console reads a pasted block and writes a download: <c>KEY=value</c> lines, <c>#</c> comments,
/// an optional <c>export</c> prefix, and values in double quotes (with \n, \", \\ escapes) or single quotes (taken as is).
/// </summary>
public static class Dotenv
{
    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create("\n\r\"'#\\ \t");

    public sealed record Entry(string Key, string Value);

    public sealed record Problem(int Line, string Message);

    public static (IReadOnlyList<Entry> Entries, IReadOnlyList<Problem> Problems) Parse(string text)
    {
        var entries = new List<Entry>();
        var problems = new List<Problem>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                problems.Add(new Problem(i + 1, "expected KEY=value"));
                continue;
            }
            var key = line[..eq].Trim();
            var raw = line[(eq + 1)..].Trim();
            string value;
            if (raw.StartsWith('"'))
            {
                // A double-quoted value may run over several lines until its closing quote.
                var builder = new StringBuilder(raw[1..]);
                while (!EndsWithUnescapedQuote(builder.ToString()) && i + 1 < lines.Length) builder.Append('\n').Append(lines[++i]);
                var body = builder.ToString().TrimEnd();
                if (!EndsWithUnescapedQuote(body))
                {
                    problems.Add(new Problem(i + 1, $"the value of {key} has no closing quote"));
                    continue;
                }
                value = Unescape(body[..^1]);
            }
            else if (raw.StartsWith('\'') && raw.Length >= 2 && raw.EndsWith('\''))
            {
                value = raw[1..^1];
            }
            else
            {
                // An unquoted value ends at a comment that follows whitespace.
                var hash = raw.IndexOf(" #", StringComparison.Ordinal);
                value = (hash >= 0 ? raw[..hash] : raw).TrimEnd();
            }
            entries.Add(new Entry(key, value));
        }
        return (entries, problems);
    }

    /// <summary>One line per secret; values quoted whenever leaving them bare would change what is read back.</summary>
    public static string Write(IEnumerable<(string Key, string Value)> secrets)
    {
        var output = new StringBuilder();
        foreach (var (key, value) in secrets)
        {
            output.Append(key).Append('=');
            if (value.Length > 0 && value.AsSpan().IndexOfAny(NeedsQuotes) < 0) output.Append(value);
            else output.Append('"').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
            output.Append('\n');
        }
        return output.ToString();
    }

    private static bool EndsWithUnescapedQuote(string text)
    {
        var trimmed = text.TrimEnd();
        if (!trimmed.EndsWith('"')) return false;
        var backslashes = 0;
        for (var i = trimmed.Length - 2; i >= 0 && trimmed[i] == '\\'; i--) backslashes++;
        return backslashes % 2 == 0;
    }

    private static string Unescape(string quoted)
    {
        var result = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] != '\\' || i + 1 == quoted.Length)
            {
                result.Append(quoted[i]);
                continue;
            }
            var next = quoted[++i];
            result.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
        }
        return result.ToString();
    }
}
