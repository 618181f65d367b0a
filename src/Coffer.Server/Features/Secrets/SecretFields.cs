using System.Text.Json;

namespace Coffer.Server.Features.Secrets;

/// <summary>Decrypts the sealed fields of a secret row, and seals new ones for a row about to be written.</summary>
public static class SecretFields
{
    public static string Value(ProjectKeys keys, SecretRow row) =>
        SecretCrypto.Open(keys.For(row.KeyVersion), row.ProjectId, row.Id, row.Version, SecretCrypto.Value, row.EncryptedValue);

    public static string Comment(ProjectKeys keys, SecretRow row) =>
        row.EncryptedComment is null ? "" : SecretCrypto.Open(keys.For(row.KeyVersion), row.ProjectId, row.Id, row.Version, SecretCrypto.Comment, row.EncryptedComment);

    public static IReadOnlyList<MetadataEntry> Metadata(ProjectKeys keys, SecretRow row) =>
        SealedMetadataJson(keys, row) is { } json ? JsonSerializer.Deserialize<MetadataEntry[]>(json, MetadataJson) ?? [] : [];

    /// <summary>The metadata as stored (JSON), or null when the secret has none.</summary>
    public static string? SealedMetadataJson(ProjectKeys keys, SecretRow row) =>
        row.EncryptedMetadata is null ? null
            : SecretCrypto.Open(keys.For(row.KeyVersion), row.ProjectId, row.Id, row.Version, SecretCrypto.Metadata, row.EncryptedMetadata);

    public static string? SerializeMetadata(IReadOnlyList<MetadataEntry>? metadata) =>
        metadata is null || metadata.Count == 0 ? null : JsonSerializer.Serialize(metadata, MetadataJson);

    /// <summary>A view of a row for a response, the value decrypted or masked.</summary>
    public static SecretView View(ProjectKeys? key, SecretRow row, string environment, string secretPath, bool hidden, string? workspace = null)
    {
        // Infisical never masks a caller's own personal override.
        hidden = hidden && !row.IsPersonal;
        return new SecretView
        {
            Id = row.Id,
            Workspace = workspace ?? row.ProjectId,
            Environment = environment,
            SecretPath = secretPath,
            Version = row.Version,
            Type = row.Type,
            Key = row.Key,
            Value = hidden ? SecretView.HiddenMask : key is null ? "" : Value(key, row),
            ValueHidden = hidden,
            Comment = key is null ? "" : Comment(key, row),
            ReminderNote = row.ReminderNote,
            ReminderRepeatDays = row.ReminderRepeatDays,
            SkipMultilineEncoding = row.SkipMultilineEncoding,
            CreatedAt = row.CreatedAt,
            UpdatedAt = row.UpdatedAt,
            Tags = row.Tags,
            Metadata = key is null ? [] : Metadata(key, row),
        };
    }

    private static readonly JsonSerializerOptions MetadataJson = new(JsonSerializerDefaults.Web);
}
