using System.Text;

namespace Coffer.Server.Hosting;

/// <summary>
/// The ADO.NET <c>key=value;…</c> grammar that Npgsql's connection-string builder parses: values holding
/// <c>;</c>, <c>=</c>, quotes or whitespace go in double quotes with inner double quotes doubled; keys are
/// case-insensitive and Npgsql ignores the spaces in them ("SSL Mode" = "sslmode").
/// </summary>
internal static class ConnectionStringGrammar
{
    public static void Append(StringBuilder builder, string key, string value)
    {
        if (builder.Length > 0)
        {
            builder.Append(';');
        }

        builder.Append(key).Append('=');
        if (!NeedsQuoting(value))
        {
            builder.Append(value);
            return;
        }

        builder.Append('"');
        foreach (var c in value)
        {
            builder.Append(c);
            if (c == '"')
            {
                builder.Append('"');
            }
        }

        builder.Append('"');
    }

    /// <summary>Key with spaces removed and lower-cased: the form Npgsql matches keywords in.</summary>
    public static string NormalizeKey(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Splits a connection string into its pairs, in order; errors name keys, never values.</summary>
    public static List<KeyValuePair<string, string>> Tokenize(string text, string variable)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && (text[i] == ';' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            if (i >= text.Length)
            {
                return pairs;
            }

            var key = new StringBuilder();
            while (i < text.Length && text[i] != '=')
            {
                if (text[i] == ';')
                {
                    throw new DatabaseUrlException(variable, $"{variable} has an entry without '=' (expected key=value;key=value).");
                }

                key.Append(text[i++]);
            }

            // "==" in a key is an escaped '='; no Npgsql keyword has one, so treating it as the separator is enough here.
            if (i >= text.Length)
            {
                throw new DatabaseUrlException(variable, $"{variable} has an entry without '=' (expected key=value;key=value).");
            }

            i++;
            var keyText = key.ToString().Trim();
            if (keyText.Length == 0)
            {
                throw new DatabaseUrlException(variable, $"{variable} has an entry with an empty key.");
            }

            while (i < text.Length && text[i] != ';' && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            string value;
            if (i < text.Length && text[i] is '"' or '\'')
            {
                var quote = text[i++];
                var builder = new StringBuilder();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new DatabaseUrlException(variable, $"{variable} has an unterminated quoted value for '{keyText}'.");
                    }

                    if (text[i] == quote)
                    {
                        if (i + 1 < text.Length && text[i + 1] == quote)
                        {
                            builder.Append(quote);
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    builder.Append(text[i++]);
                }

                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] != ';')
                {
                    throw new DatabaseUrlException(variable, $"{variable} has text after the quoted value for '{keyText}'.");
                }

                value = builder.ToString();
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != ';')
                {
                    i++;
                }

                value = text[start..i].Trim();
            }

            pairs.Add(new(keyText, value));
        }
    }

    private static bool NeedsQuoting(string value) =>
        value.Length > 0
        && (value.AsSpan().IndexOfAny(";=\"'") >= 0 || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl));
}
