using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Formats;

/// <summary>
/// A YAML mapping of key to value, sorted by key like Infisical's (yaml.v2 of a map). Every value is
/// a string, so anything a YAML reader could take for another type (true, 1e3, null, ~, 0x1F, a
/// date) or that starts with an indicator is quoted. Multi-line text becomes a literal block
/// (<c>|</c>) so PEM keys stay readable; text a block cannot carry exactly (carriage returns, control
/// characters, trailing spaces on a line) falls back to a double-quoted scalar with escapes.
/// </summary>
internal static partial class YamlWriter
{
    public static string Write(IEnumerable<Secret> secrets)
    {
        var sb = new StringBuilder();
        foreach (var s in secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            sb.Append(Scalar(s.Key)).Append(':');
            var value = s.ValueForTextFormats;
            if (CanBeBlock(value))
            {
                AppendBlock(sb, value);
            }
            else
            {
                sb.Append(' ').Append(Scalar(value)).Append('\n');
            }
        }

        return sb.Length == 0 ? "{}\n" : sb.ToString();
    }

    static string Scalar(string value) => IsPlainSafe(value) ? value : DoubleQuoted(value);

    // Conservative: only text that cannot be read as anything but this string stays unquoted.
    static bool IsPlainSafe(string value) =>
        value.Length > 0
        && PlainPattern().IsMatch(value)
        && !LooksLikeOtherType(value);

    static bool LooksLikeOtherType(string value)
    {
        var lower = value.ToLowerInvariant();
        if (lower is "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~" or ".nan" or ".inf" or "-.inf" or "+.inf" or "<<")
        {
            return true;
        }

        // Numbers in any YAML 1.1/1.2 spelling, and dates/times, which some readers convert.
        return double.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || NumberLike().IsMatch(value)
            || DateLike().IsMatch(value);
    }

    static bool CanBeBlock(string value)
    {
        if (!value.Contains('\n', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c != '\n' && (char.IsControl(c) || c == '\uFEFF' || c == '\u2028' || c == '\u2029' || c == '\u0085'))
            {
                return false;
            }
        }

        // Trailing blanks survive a literal block, but a line of only blanks before text changes
        // how indentation is detected; keep such values in the unambiguous double-quoted form.
        foreach (var line in value.Split('\n'))
        {
            if (line.Length > 0 && line.Trim().Length == 0)
            {
                return false;
            }

            if (line.Length > 0 && char.IsWhiteSpace(line[^1]))
            {
                return false;
            }
        }

        return true;
    }

    static void AppendBlock(StringBuilder sb, string value)
    {
        var trailingNewlines = value.Length - value.TrimEnd('\n').Length;
        var chomp = trailingNewlines switch
        {
            0 => "-",
            1 => "",
            _ => "+",
        };
        var body = value.TrimEnd('\n');
        // When the text starts with a space the reader cannot guess the indentation: state it.
        var indicator = body.Length > 0 && body[0] == ' ' ? "2" : "";
        sb.Append(" |").Append(indicator).Append(chomp).Append('\n');
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0)
            {
                sb.Append("  ").Append(line);
            }

            sb.Append('\n');
        }

        for (var i = 1; i < trailingNewlines; i++)
        {
            sb.Append('\n');
        }
    }

    public static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                case '\uFEFF': sb.Append("\\uFEFF"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^(?:[A-Za-z0-9_./+]|-(?=[^ ]))[A-Za-z0-9_./+@%=-]*( [A-Za-z0-9_./+@%=-]+)*$")]
    private static partial Regex PlainPattern();

    [GeneratedRegex(@"^[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.[0-9]+)$")]
    private static partial Regex NumberLike();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
    private static partial Regex DateLike();
}
