using System.Globalization;
using System.Text;

namespace Coffer.Cli.Formats;

/// <summary>
/// Reads a flat YAML mapping of strings, enough for <c>secrets set --file x.yaml</c> and for the
/// files <see cref="YamlWriter"/> writes: <c>key: value</c> with plain, 'single' or "double" quoted
/// scalars, literal blocks (<c>|</c>, <c>|-</c>, <c>|+</c>, with an indentation digit), comments and
/// blank lines. Nested mappings and sequences are rejected, since a secret value is a string.
/// </summary>
internal static class YamlMapReader
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        // The file's final line break ends the last line; it is not an extra empty line.
        var lines = (normalized.EndsWith('\n') ? normalized[..^1] : normalized).Split('\n');
        var result = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed == "---" || trimmed == "{}")
            {
                continue;
            }

            if (line[0] == ' ' || line[0] == '\t' || trimmed.StartsWith("- ", StringComparison.Ordinal))
            {
                throw new FormatException($"line {i + 1}: only a flat mapping of names to strings is supported");
            }

            var pos = 0;
            var key = ReadKey(line, ref pos, i + 1);
            var rest = line[pos..].Trim();
            if (rest.StartsWith('|'))
            {
                result.Add(new(key, ReadBlock(lines, ref i, rest)));
            }
            else if (rest.Length == 0)
            {
                throw new FormatException($"line {i + 1}: '{key}' has no value (nested mappings are not supported)");
            }
            else
            {
                var p = 0;
                result.Add(new(key, ReadScalar(rest, ref p, i + 1)));
            }
        }

        return result;
    }

    static string ReadKey(string line, ref int pos, int lineNo)
    {
        string key;
        if (line[0] is '"' or '\'')
        {
            key = ReadScalar(line, ref pos, lineNo);
        }
        else
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 && line.EndsWith(':'))
            {
                colon = line.Length - 1;
            }

            if (colon < 0)
            {
                throw new FormatException($"line {lineNo}: expected 'name: value'");
            }

            key = line[..colon].Trim();
            pos = colon;
        }

        while (pos < line.Length && line[pos] == ' ')
        {
            pos++;
        }

        if (pos >= line.Length || line[pos] != ':')
        {
            throw new FormatException($"line {lineNo}: expected ':' after the name");
        }

        pos++;
        return key;
    }

    static string ReadScalar(string s, ref int pos, int lineNo)
    {
        var c = s[pos];
        if (c == '\'')
        {
            var sb = new StringBuilder();
            pos++;
            while (pos < s.Length)
            {
                if (s[pos] == '\'')
                {
                    if (pos + 1 < s.Length && s[pos + 1] == '\'')
                    {
                        sb.Append('\'');
                        pos += 2;
                        continue;
                    }

                    pos++;
                    return sb.ToString();
                }

                sb.Append(s[pos++]);
            }

            throw new FormatException($"line {lineNo}: unterminated 'quoted' value (multi-line quoted values are not supported)");
        }

        if (c == '"')
        {
            var sb = new StringBuilder();
            pos++;
            while (pos < s.Length)
            {
                var ch = s[pos++];
                if (ch == '"')
                {
                    return sb.ToString();
                }

                if (ch != '\\')
                {
                    sb.Append(ch);
                    continue;
                }

                if (pos >= s.Length)
                {
                    break;
                }

                var e = s[pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case '0': sb.Append('\0'); break;
                    case 'N': sb.Append('\u0085'); break;
                    case 'L': sb.Append('\u2028'); break;
                    case 'P': sb.Append('\u2029'); break;
                    case 'x': sb.Append(Hex(s, ref pos, 2, lineNo)); break;
                    case 'u': sb.Append(Hex(s, ref pos, 4, lineNo)); break;
                    case 'U': sb.Append(Hex(s, ref pos, 8, lineNo)); break;
                    default: sb.Append(e); break;
                }
            }

            throw new FormatException($"line {lineNo}: unterminated \"quoted\" value (multi-line quoted values are not supported)");
        }

        // Plain scalar: up to a " #" comment.
        var end = s.IndexOf(" #", pos, StringComparison.Ordinal);
        var value = (end < 0 ? s[pos..] : s[pos..end]).Trim();
        pos = s.Length;
        return value;
    }

    static string Hex(string s, ref int pos, int digits, int lineNo)
    {
        if (pos + digits > s.Length || !int.TryParse(s.AsSpan(pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
        {
            throw new FormatException($"line {lineNo}: bad \\x/\\u escape");
        }

        pos += digits;
        return char.ConvertFromUtf32(code);
    }

    static string ReadBlock(string[] lines, ref int i, string header)
    {
        var chomp = header.Contains('-', StringComparison.Ordinal) ? '-' : header.Contains('+', StringComparison.Ordinal) ? '+' : ' ';
        var digit = header.FirstOrDefault(char.IsDigit);
        var indent = digit == default ? -1 : digit - '0';

        var body = new List<string>();
        var j = i + 1;
        for (; j < lines.Length; j++)
        {
            var line = lines[j];
            if (line.Trim().Length == 0)
            {
                body.Add("");
                continue;
            }

            var lead = line.Length - line.TrimStart(' ').Length;
            if (indent < 0)
            {
                indent = lead;
            }

            if (lead < indent || indent == 0)
            {
                break;
            }

            body.Add(line[indent..]);
        }

        i = j - 1;
        // Trailing empty lines belong to the chomping rule, not to the text.
        var trailing = 0;
        while (body.Count > 0 && body[^1].Length == 0)
        {
            body.RemoveAt(body.Count - 1);
            trailing++;
        }

        var text = string.Join('\n', body);
        if (body.Count == 0)
        {
            return "";
        }

        return chomp switch
        {
            '-' => text,
            '+' => text + new string('\n', trailing + 1),
            _ => text + "\n",
        };
    }
}
