using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coffer.Cli.Formats;

/// <summary>
/// The <c>--output json|yaml|dotenv</c> of <c>secrets</c> and <c>secrets folders</c>: a list of flat
/// records (Infisical prints e.g. <c>[{secretKey, secretValue}]</c>). For dotenv the record's first
/// field is the name and the second the value.
/// </summary>
internal static class StructuredOutput
{
    public static readonly string[] Formats = ["json", "yaml", "dotenv"];

    public static string Write(string format, IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> records) =>
        format.ToLowerInvariant() switch
        {
            "json" => Json(records),
            "yaml" => Yaml(records),
            "dotenv" => Dotenv(records),
            _ => throw new Api.CliUserException($"invalid output format: {format}.", "Supported formats are json, yaml, dotenv."),
        };

    static string Json(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> records)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var record in records)
            {
                json.WriteStartObject();
                foreach (var (key, value) in record)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static string Yaml(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> records)
    {
        if (records.Count == 0)
        {
            return "[]\n";
        }

        var sb = new StringBuilder();
        foreach (var record in records)
        {
            var first = true;
            foreach (var (key, value) in record)
            {
                sb.Append(first ? "- " : "  ").Append(key).Append(": ").Append(YamlWriter.DoubleQuoted(value)).Append('\n');
                first = false;
            }
        }

        return sb.ToString();
    }

    static string Dotenv(IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> records)
    {
        var sb = new StringBuilder();
        foreach (var record in records)
        {
            var name = record.Count > 0 ? record[0].Value : "";
            var value = record.Count > 1 ? record[1].Value : "";
            sb.Append(name).Append('=').Append(DotenvWriter.Quote(value)).Append('\n');
        }

        return sb.ToString();
    }
}
