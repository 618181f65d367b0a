using Coffer.Server.Http;

namespace Coffer.Server.Features.Secrets;

/// <summary>The optional fields of a secret write; null means "not sent" (on update: keep the current value).</summary>
public sealed record SecretInput
{
    public string? Value { get; init; }
    public string? Comment { get; init; }
    public bool? SkipMultilineEncoding { get; init; }
    public IReadOnlyList<string>? TagIds { get; init; }
    public IReadOnlyList<MetadataEntry>? Metadata { get; init; }
    public FieldUpdate<string?> ReminderNote { get; init; }
    public FieldUpdate<long?> ReminderRepeatDays { get; init; }
}

/// <summary>Where a write happens.</summary>
public sealed record SecretLocation(string ProjectId, string Environment, string Path);

public sealed record CreateSecretRequest(SecretLocation At, string Name, string Type, SecretInput Input);

public sealed record UpdateSecretRequest(SecretLocation At, string Name, string Type, string? NewName, SecretInput Input);

public sealed record DeleteSecretRequest(SecretLocation At, string Name, string Type);

public sealed record BatchCreateItem(string Name, SecretInput Input);

/// <summary>An item of a batch update; <paramref name="Path"/> overrides the request's path (Infisical's per-item <c>secretPath</c>).</summary>
public sealed record BatchUpdateItem(string Name, string? Path, string? NewName, SecretInput Input);

public sealed record BatchDeleteItem(string Name, string Type);

public static class BatchUpdateModes
{
    public const string FailOnNotFound = "failOnNotFound";
    public const string Upsert = "upsert";
    public const string Ignore = "ignore";
    public static readonly string[] All = [Ignore, Upsert, FailOnNotFound];
}

public sealed record MoveSecretsRequest(
    string ProjectId,
    string SourceEnvironment,
    string SourcePath,
    string DestinationEnvironment,
    string DestinationPath,
    IReadOnlyList<string> SecretIds,
    bool ShouldOverwrite);
