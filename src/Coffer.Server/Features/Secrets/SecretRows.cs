namespace Coffer.Server.Features.Secrets;

public static class SecretTypes
{
    public const string Shared = "shared";
    public const string Personal = "personal";
    public static readonly string[] All = [Shared, Personal];
}

/// <summary>A tag as secrets carry it (Infisical's SanitizedTagSchema: <c>{id, slug, color, name}</c>, name = slug).</summary>
public sealed record TagRef(string Id, string Slug, string? Color)
{
    public string Name => Slug;
}

/// <summary>
/// A row of <c>secrets</c> with its tags. Values stay sealed until a response needs them; cached rows are shared
/// between requests and never modified.
/// </summary>
public sealed class SecretRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string FolderId { get; init; } = "";
    public string Key { get; init; } = "";
    public string Type { get; init; } = SecretTypes.Shared;
    public string? UserId { get; init; }
    public long Version { get; init; } = 1;
    public byte[] EncryptedValue { get; init; } = [];
    public byte[]? EncryptedComment { get; init; }
    public byte[]? EncryptedMetadata { get; init; }
    public bool SkipMultilineEncoding { get; init; }
    public string? ReminderNote { get; init; }
    public long? ReminderRepeatDays { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>The number of the project data key the sealed fields are under.</summary>
    public long KeyVersion { get; init; } = 1;

    public IReadOnlyList<TagRef> Tags { get; set; } = [];

    public bool IsPersonal => Type == SecretTypes.Personal;

    public IReadOnlyList<string> TagSlugs => Tags.Count == 0 ? [] : Tags.Select(t => t.Slug).ToArray();
}

/// <summary>A row of <c>secret_imports</c>, with the slug and name of the environment it imports from.</summary>
public sealed class ImportRow
{
    public string Id { get; init; } = "";
    public string FolderId { get; init; } = "";
    public string ImportEnvId { get; init; } = "";
    public string ImportPath { get; init; } = "";
    public long Position { get; init; }
    public long Version { get; init; } = 1;
    public bool IsReplication { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A row of <c>secret_tags</c>.</summary>
public sealed class TagRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string Slug { get; init; } = "";
    public string? Color { get; init; }
    public string? CreatedBy { get; init; }
    public string CreatedByActorType { get; init; } = "identity";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
