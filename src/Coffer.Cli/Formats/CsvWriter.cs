using System.Text;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Formats;

/// <summary>
/// <c>Key,Value</c> then one row per secret, RFC 4180 quoting as Go's encoding/csv does it for
/// Infisical: a field is quoted when it holds a comma, a quote, a CR or LF, or starts with white
/// space; quotes inside are doubled; rows end with LF.
/// </summary>
internal static class CsvWriter
{
    public static string Write(IEnumerable<Secret> secrets)
    {
        var sb = new StringBuilder("Key,Value\n");
        foreach (var s in secrets)
        {
            sb.Append(Field(s.Key)).Append(',').Append(Field(s.ValueForTextFormats)).Append('\n');
        }

        return sb.ToString();
    }

    public static string Field(string value)
    {
        var needsQuotes = value.Length > 0
            && (value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]));
        return needsQuotes ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
