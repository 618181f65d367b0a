using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coffer.Cli.Secrets;

namespace Coffer.Cli.Formats;

/// <summary>
/// A JSON array with one object per secret, the shape Infisical's <c>export --format=json</c> prints
/// (its SingleEnvironmentVariable fields: key, workspace, value, type, _id, secretPath, tags, comment),
/// so scripts written against Infisical (<c>jq '.[] | .key'</c>) keep working. Values are raw: JSON
/// escapes line breaks itself.
/// </summary>
internal static class JsonWriter
{
    static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Secrets are not embedded in HTML: keep <, >, &, ' and + readable instead of \u003C.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(IEnumerable<Secret> secrets)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartArray();
            foreach (var s in secrets)
            {
                json.WriteStartObject();
                json.WriteString("key", s.Key);
                json.WriteString("workspace", s.Workspace ?? "");
                json.WriteString("value", s.Value);
                json.WriteString("type", s.Type);
                json.WriteString("_id", s.Id ?? "");
                json.WriteString("secretPath", s.SecretPath ?? "");
                json.WriteStartArray("tags");
                foreach (var slug in s.TagSlugs ?? [])
                {
                    json.WriteStartObject();
                    json.WriteString("slug", slug);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("comment", s.Comment ?? "");
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
