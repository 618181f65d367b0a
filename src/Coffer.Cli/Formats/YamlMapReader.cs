using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Coffer.Cli.Formats;

/// <summary>
/// Reads a flat YAML mapping of names to strings for <c>secrets set --file x.yaml</c> (and the files
/// <see cref="YamlWriter"/> writes), through YamlDotNet: every scalar style, comments and block scalars as YAML defines
/// them. Nested mappings and sequences are refused, since a secret value is a string.
/// </summary>
internal static class YamlMapReader
{
    public static List<KeyValuePair<string, string>> Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            // Duplicate keys, bad indentation, unterminated quotes: YamlDotNet's message names the line and column.
            throw new FormatException($"line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var result = new List<KeyValuePair<string, string>>();
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents.Count > 1) throw new FormatException("only one YAML document is supported");

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) return result;
        if (root is not YamlMappingNode mapping)
            throw new FormatException($"line {root.Start.Line}: only a flat mapping of names to strings is supported");

        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw new FormatException($"line {key.Start.Line}: a name must be a string");
            if (value is not YamlScalarNode scalar)
                throw new FormatException($"line {key.Start.Line}: '{name}' is not a string (nested mappings and lists are not supported)");
            result.Add(new(name, scalar.Value ?? ""));
        }

        return result;
    }
}
