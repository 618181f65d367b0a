using System.Text;

namespace Coffer.Cli.Formats;

/// <summary>
/// Reads .env files for <c>secrets set --file</c>: <c>KEY=value</c>, optional <c>export </c>,
/// <c>#</c> and <c>//</c> comment lines (as Infisical accepts), single-quoted values taken literally
/// (including line breaks and the <c>'\''</c> idiom this CLI writes), double-quoted values with
/// <c>\n \t \" \\ \$</c> escapes, and unquoted values trimmed, with a trailing <c> #comment</c> cut.
/// </summary>
internal static class DotenvParser
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        var i = 0;
        var line = 1;
        while (i < text.Length)
        {
            SkipBlank(text, ref i, ref line);
            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '#' || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                SkipToEndOfLine(text, ref i);
                continue;
            }

            var lineStart = line;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != '\n')
            {
                i++;
            }

            if (i >= text.Length || text[i] != '=')
            {
                throw new FormatException($"line {lineStart}: expected KEY=value");
            }

            var key = text[keyStart..i].Trim();
            if (key.StartsWith("export ", StringComparison.Ordinal) || key.StartsWith("export\t", StringComparison.Ordinal))
            {
                key = key[6..].Trim();
            }

            if (key.Length == 0)
            {
                throw new FormatException($"line {lineStart}: the key is empty");
            }

            i++; // '='
            while (i < text.Length && (text[i] == ' ' || text[i] == '\t'))
            {
                i++;
            }

            var value = i < text.Length && (text[i] == '\'' || text[i] == '"')
                ? ReadQuoted(text, ref i, ref line, lineStart)
                : ReadBare(text, ref i);
            result.Add(new(key, value));
        }

        return result;
    }

    static string ReadQuoted(string text, ref int i, ref int line, int lineStart)
    {
        var sb = new StringBuilder();
        // Adjacent quoted pieces concatenate, as in a shell: 'it'\''s' is "it's".
        while (i < text.Length && (text[i] == '\'' || text[i] == '"' || (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '\'')))
        {
            if (text[i] == '\\')
            {
                sb.Append('\'');
                i += 2;
                continue;
            }

            var quote = text[i++];
            var closed = false;
            while (i < text.Length)
            {
                var c = text[i++];
                if (c == quote)
                {
                    closed = true;
                    break;
                }

                if (c == '\n')
                {
                    line++;
                }

                if (quote == '"' && c == '\\' && i < text.Length)
                {
                    var next = text[i++];
                    sb.Append(next switch
                    {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => next,
                    });
                    continue;
                }

                sb.Append(c);
            }

            if (!closed)
            {
                throw new FormatException($"line {lineStart}: the quoted value is never closed");
            }
        }

        SkipToEndOfLine(text, ref i);
        return sb.ToString();
    }

    static string ReadBare(string text, ref int i)
    {
        var start = i;
        SkipToEndOfLine(text, ref i);
        var raw = text[start..i].TrimEnd('\n', '\r');
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        if (comment >= 0)
        {
            raw = raw[..comment];
        }

        return raw.Trim();
    }

    static void SkipBlank(string text, ref int i, ref int line)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            if (text[i] == '\n')
            {
                line++;
            }

            i++;
        }
    }

    static void SkipToEndOfLine(string text, ref int i)
    {
        while (i < text.Length && text[i] != '\n')
        {
            i++;
        }
    }
}
