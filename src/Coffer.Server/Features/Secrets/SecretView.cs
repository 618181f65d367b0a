namespace Coffer.Server.Features.Secrets;

/// <summary>One metadata entry of a secret (Infisical's ResourceMetadata with encryption flag).</summary>
public sealed record MetadataEntry(string Key, string Value, bool IsEncrypted);

/// <summary>A secret as a response shows it: decrypted (or masked), placed in its environment and path.</summary>
public sealed class SecretView
{
    /// <summary>What Infisical sends instead of a value the caller may not see.</summary>
    public const string HiddenMask = "<hidden-by-infisical>";

    public required string Id { get; init; }
    /// <summary>Infisical's <c>workspace</c> field: the project id ("" for secrets listed under <c>imports</c>, as Infisical sends).</summary>
    public required string Workspace { get; init; }
    public required string Environment { get; init; }
    public required string SecretPath { get; init; }
    public required long Version { get; init; }
    public required string Type { get; init; }
    public required string Key { get; init; }
    public required string Value { get; set; }
    public required bool ValueHidden { get; init; }
    public required string Comment { get; init; }
    public string? ReminderNote { get; init; }
    public long? ReminderRepeatDays { get; init; }
    public bool SkipMultilineEncoding { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public IReadOnlyList<TagRef> Tags { get; init; } = [];
    public IReadOnlyList<MetadataEntry> Metadata { get; init; } = [];
}
