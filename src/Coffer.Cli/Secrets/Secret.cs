namespace Coffer.Cli.Secrets;

/// <summary>A secret as the CLI works with it after fetching (Infisical's SingleEnvironmentVariable).</summary>
internal sealed record Secret(
    string Key,
    string Value,
    string Type = SecretTypes.Shared,
    string? Id = null,
    string? Workspace = null,
    string? SecretPath = null,
    string? Comment = null,
    IReadOnlyList<string>? TagSlugs = null,
    bool SkipMultilineEncoding = false)
{
    /// <summary>
    /// Infisical's flag is named backwards for historical reasons: when <c>skipMultilineEncoding</c>
    /// is true the CLI does write line breaks as <c>\n</c> (models.IsMultilineEncodingEnabled).
    /// </summary>
    public string ValueForTextFormats =>
        SkipMultilineEncoding && Value.Contains('\n', StringComparison.Ordinal) ? Value.Replace("\n", "\\n", StringComparison.Ordinal) : Value;
}

internal static class SecretTypes
{
    public const string Shared = "shared";
    public const string Personal = "personal";
}
