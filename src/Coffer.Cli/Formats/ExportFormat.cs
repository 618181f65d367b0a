using Coffer.Cli.Secrets;

namespace Coffer.Cli.Formats;

/// <summary>The <c>export --format</c> values of Infisical's CLI, their writers and default file names.</summary>
internal static class ExportFormat
{
    public const string Dotenv = "dotenv";
    public const string DotenvExport = "dotenv-export";
    public const string Json = "json";
    public const string Yaml = "yaml";
    public const string Csv = "csv";

    public static readonly string[] All = [Dotenv, DotenvExport, Json, Yaml, Csv];

    /// <param name="warn">Told about each secret a format leaves out (a name no dotenv reader or shell may see as a key).</param>
    public static string Write(string format, IReadOnlyList<Secret> secrets, Action<string>? warn = null) => format.ToLowerInvariant() switch
    {
        Dotenv => DotenvWriter.Write(secrets, export: false, warn),
        DotenvExport => DotenvWriter.Write(secrets, export: true, warn),
        Json => JsonWriter.Write(secrets),
        Yaml => YamlWriter.Write(secrets),
        Csv => CsvWriter.Write(secrets),
        _ => throw new Api.CliUserException(
            $"invalid format type: {format}.",
            $"Available format types are {string.Join(", ", All)}."),
    };

    public static string DefaultFileName(string format) => format.ToLowerInvariant() switch
    {
        Json => "secrets.json",
        Yaml => "secrets.yaml",
        Csv => "secrets.csv",
        _ => ".env",
    };

    public static string DefaultExtension(string format) => format.ToLowerInvariant() switch
    {
        Json => ".json",
        Yaml => ".yaml",
        Csv => ".csv",
        _ => ".env",
    };
}
