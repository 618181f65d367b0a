using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Cli.Config;

internal sealed class CredentialsFile
{
    public Dictionary<string, StoredToken> Tokens { get; set; } = new(StringComparer.Ordinal);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CredentialsFile))]
internal sealed partial class CredentialsJsonContext : JsonSerializerContext;

/// <summary>
/// Tokens per server in <c>credentials.json</c>. The folder is 0700 and the file 0600, written
/// through a temporary file created with 0600 and renamed over the old one, so the token is never
/// readable by others, not even for a moment, and a crash never leaves half a file.
/// </summary>
internal sealed class TokenStore(string path)
{
    const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Path { get; } = path;

    public StoredToken? Get(Uri apiBase) => Read().Tokens.GetValueOrDefault(Key(apiBase));

    public void Save(Uri apiBase, StoredToken token)
    {
        var file = Read();
        file.Tokens[Key(apiBase)] = token;
        Write(file);
    }

    public bool Remove(Uri apiBase)
    {
        var file = Read();
        if (!file.Tokens.Remove(Key(apiBase)))
        {
            return false;
        }

        Write(file);
        return true;
    }

    static string Key(Uri apiBase) => apiBase.ToString();

    CredentialsFile Read()
    {
        if (!File.Exists(Path))
        {
            return new CredentialsFile();
        }

        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllText(Path), CredentialsJsonContext.Default.CredentialsFile) ?? new CredentialsFile();
            // Deserialization drops the ordinal comparer; keys are URLs, compared exactly.
            file.Tokens = new Dictionary<string, StoredToken>(file.Tokens, StringComparer.Ordinal);
            return file;
        }
        catch (JsonException)
        {
            throw new Api.CliUserException($"{Path} is damaged.", "Delete it and run `coffer login` again.");
        }
    }

    void Write(CredentialsFile file)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
            // An existing folder keeps its mode on CreateDirectory; tighten it.
            File.SetUnixFileMode(directory, PrivateDirectory);
        }

        var temp = Path + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, file, CredentialsJsonContext.Default.CredentialsFile);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
