using Coffer.Cli.Api;
using Coffer.Cli.Formats;

namespace Coffer.Cli.Secrets;

/// <summary>The NAME=value pairs for <c>secrets set</c>, from arguments or a .env/YAML file.</summary>
internal static class SecretInput
{
    /// <summary>
    /// <c>NAME=value</c>; <c>NAME=@path</c> reads the value from a file (PEM keys, certificates);
    /// <c>NAME=\@text</c> is the literal value <c>@text</c>. Split at the first '=' only.
    /// </summary>
    public static List<KeyValuePair<string, string>> FromArguments(IEnumerable<string> args, string workingDirectory)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var arg in args)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new CliUserException($"invalid argument format: {arg}.", "Expected format: key=value or key=@filepath");
            }

            var key = arg[..eq];
            var value = arg[(eq + 1)..];
            if (value.StartsWith("\\@", StringComparison.Ordinal))
            {
                value = value[1..];
            }
            else if (value.StartsWith('@'))
            {
                var file = Path.GetFullPath(value[1..], workingDirectory);
                if (!File.Exists(file))
                {
                    throw new CliUserException($"Unable to read file {value[1..]}: it does not exist.", "Use \\@ at the start of the value for a literal @.");
                }

                value = File.ReadAllText(file);
            }

            Add(result, key, value);
        }

        return result;
    }

    public static List<KeyValuePair<string, string>> FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUserException("File does not exist", path);
        }

        var text = File.ReadAllText(path);
        List<KeyValuePair<string, string>> parsed;
        try
        {
            parsed = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? YamlMapReader.Parse(text)
                : DotenvParser.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new CliUserException($"error parsing secrets in {path}: {ex.Message}");
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in parsed)
        {
            Add(result, key, value);
        }

        if (result.Count == 0)
        {
            throw new CliUserException("no valid secrets found in the file", path);
        }

        return result;
    }

    // The same checks Infisical's CLI makes before sending anything.
    static void Add(List<KeyValuePair<string, string>> result, string key, string value)
    {
        if (key.Length == 0 || value.Length == 0)
        {
            throw new CliUserException("ensure that each secret has a none empty key and value. Modify the input and try again");
        }

        if (char.IsDigit(key[0]))
        {
            throw new CliUserException($"secret key '{key}' cannot start with a number. Modify the key name(s) and try again");
        }

        if (key.Contains(' ', StringComparison.Ordinal))
        {
            throw new CliUserException($"secret key '{key}' cannot contain spaces");
        }

        result.Add(new(key, value));
    }
}
