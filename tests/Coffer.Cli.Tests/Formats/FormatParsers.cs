using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Coffer.Cli.Formats;
using YamlDotNet.Serialization;

namespace Coffer.Cli.Tests.Formats;

/// <summary>
/// Reads exported text back with independent readers: a real POSIX shell for dotenv files,
/// System.Text.Json, YamlDotNet and an RFC 4180 reader, so the writers are not checked against
/// themselves.
/// </summary>
internal static class FormatParsers
{
    static readonly HashSet<string> ShellOwnVariables = ["PATH", "PWD", "OLDPWD", "SHLVL", "_"];

    public static async Task<Dictionary<string, string>> ParseAsync(string format, string text) => format switch
    {
        "dotenv" => await SourceWithShellAsync(text, allExport: true),
        "dotenv-export" => await SourceWithShellAsync(text, allExport: false),
        "json" => Json(text),
        "yaml" => Yaml(text),
        "csv" => Csv(text),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Sources the file in <c>/bin/sh</c> with an empty environment and returns what ended up
    /// exported. <paramref name="allExport"/> is <c>set -a</c>, how a plain dotenv file is loaded.
    /// </summary>
    public static async Task<Dictionary<string, string>> SourceWithShellAsync(string text, bool allExport)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, text, new UTF8Encoding(false));
            var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add((allExport ? "set -a; " : "") + ". \"$0\" && env -0");
            info.ArgumentList.Add(file);
            info.Environment.Clear();
            info.Environment["PATH"] = "/usr/bin:/bin";
            info.StandardOutputEncoding = Encoding.UTF8;
            using var process = System.Diagnostics.Process.Start(info)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"sh could not source the file: {stderr}\n{text}");
            return stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('=', 2))
                .Where(kv => !ShellOwnVariables.Contains(kv[0]))
                .ToDictionary(kv => kv[0], kv => kv[1]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static Dictionary<string, string> Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("key").GetString()!, e => e.GetProperty("value").GetString()!);
    }

    public static Dictionary<string, string> Yaml(string text)
    {
        var fromYamlDotNet = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(text) ?? [];
        // Our own reader (used by `secrets set --file x.yaml`) must agree with YamlDotNet.
        var fromOwnReader = YamlMapReader.Parse(text).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(fromYamlDotNet, fromOwnReader);
        return fromYamlDotNet;
    }

    public static Dictionary<string, string> Csv(string text)
    {
        var rows = ReadCsv(text);
        Assert.Equal(["Key", "Value"], rows[0]);
        return rows.Skip(1).ToDictionary(r => r[0], r => r[1]);
    }

    /// <summary>A plain RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    public static List<string[]> ReadCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        while (i < text.Length)
        {
            var c = text[i++];
            if (quoted)
            {
                if (c == '"' && i < text.Length && text[i] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted, "unterminated quoted field");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }
}
