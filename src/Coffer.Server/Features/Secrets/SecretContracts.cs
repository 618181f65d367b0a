using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.Secrets;

// The response contracts of the secret routes. Each is a thin view over a SecretView (nothing copied), and each type
// lists exactly the fields its route's Infisical schema keeps, in Infisical's order: JsonPropertyOrder puts the base
// type's fields first. The serializer code is source-generated (SecretJsonContext).

/// <summary>The fields every secret response has (Infisical's <c>secretRawSchema</c> without its timestamps).</summary>
public abstract class SecretCoreJson(SecretView secret)
{
    [JsonIgnore] protected SecretView Secret { get; } = secret;

    [JsonPropertyOrder(1)] public string Id => Secret.Id;
    [JsonPropertyOrder(2), JsonPropertyName("_id")] public string UnderscoreId => Secret.Id;
    [JsonPropertyOrder(3)] public string Workspace => Secret.Workspace;
    [JsonPropertyOrder(4)] public string Environment => Secret.Environment;
    [JsonPropertyOrder(5)] public long Version => Secret.Version;
    [JsonPropertyOrder(6)] public string Type => Secret.Type;
    [JsonPropertyOrder(7)] public string SecretKey => Secret.Key;
    [JsonPropertyOrder(8)] public string SecretValue => Secret.Value;
    [JsonPropertyOrder(9)] public string SecretComment => Secret.Comment;
    [JsonPropertyOrder(10)] public string? SecretReminderNote => Secret.ReminderNote;
    [JsonPropertyOrder(11)] public long? SecretReminderRepeatDays => Secret.ReminderRepeatDays;
    [JsonPropertyOrder(12)] public bool SkipMultilineEncoding => Secret.SkipMultilineEncoding;
}

/// <summary><c>secretRawSchema</c>: create responses, batch create, secrets of the imports route.</summary>
public class RawSecretJson(SecretView secret) : SecretCoreJson(secret)
{
    [JsonPropertyOrder(20), JsonConverter(typeof(ApiJson.UtcMillisecondsConverter))] public DateTime CreatedAt => UnixMs.ToUtc(Secret.CreatedAt);
    [JsonPropertyOrder(21), JsonConverter(typeof(ApiJson.UtcMillisecondsConverter))] public DateTime UpdatedAt => UnixMs.ToUtc(Secret.UpdatedAt);
}

/// <summary>Update, delete and their batch forms.</summary>
public sealed class ChangedSecretJson(SecretView secret) : RawSecretJson(secret)
{
    [JsonPropertyOrder(31)] public bool SecretValueHidden => Secret.ValueHidden;
}

/// <summary>Items of a list, and v4 get by name.</summary>
public sealed class ListedSecretJson(SecretView secret) : RawSecretJson(secret)
{
    [JsonPropertyOrder(30)] public string SecretPath => Secret.SecretPath;
    [JsonPropertyOrder(31)] public bool SecretValueHidden => Secret.ValueHidden;
    [JsonPropertyOrder(32)] public MetadataEntry[] SecretMetadata => Arrays.Of(Secret.Metadata);
    [JsonPropertyOrder(33)] public TagRef[] Tags => Arrays.Of(Secret.Tags);
}

/// <summary>v3 get by name: no <c>secretPath</c>, as Infisical's v3 schema.</summary>
public sealed class FetchedV3SecretJson(SecretView secret) : RawSecretJson(secret)
{
    [JsonPropertyOrder(31)] public bool SecretValueHidden => Secret.ValueHidden;
    [JsonPropertyOrder(32)] public MetadataEntry[] SecretMetadata => Arrays.Of(Secret.Metadata);
    [JsonPropertyOrder(33)] public TagRef[] Tags => Arrays.Of(Secret.Tags);
}

/// <summary>Get by id: no <c>secretValueHidden</c>, as Infisical's schema.</summary>
public sealed class FetchedByIdSecretJson(SecretView secret) : RawSecretJson(secret)
{
    [JsonPropertyOrder(30)] public string SecretPath => Secret.SecretPath;
    [JsonPropertyOrder(32)] public MetadataEntry[] SecretMetadata => Arrays.Of(Secret.Metadata);
    [JsonPropertyOrder(33)] public TagRef[] Tags => Arrays.Of(Secret.Tags);
}

/// <summary>Secrets under a list's <c>imports</c>: no timestamps, rotation fields present.</summary>
public sealed class ImportedSecretJson(SecretView secret) : SecretCoreJson(secret)
{
    [JsonPropertyOrder(20)] public bool IsRotatedSecret => false;
    [JsonPropertyOrder(21)] public string? RotationId => null;
    [JsonPropertyOrder(31)] public bool SecretValueHidden => Secret.ValueHidden;
    [JsonPropertyOrder(32)] public MetadataEntry[] SecretMetadata => Arrays.Of(Secret.Metadata);
}

/// <summary><c>{"secret": …}</c></summary>
public sealed record OneSecretResponse<T>(T Secret) where T : SecretCoreJson;

/// <summary><c>{"secrets": […]}</c></summary>
public sealed record ManySecretsResponse<T>(T[] Secrets) where T : SecretCoreJson;

/// <summary>A list: <c>{"secrets": […], "imports": […]}</c>.</summary>
public sealed record SecretListResponse(ListedSecretJson[] Secrets, SecretImportGroupJson[] Imports);

/// <summary>One imported folder's secrets under a list.</summary>
public sealed class SecretImportGroupJson(ImportedGroup group)
{
    public string SecretPath => group.SecretPath;
    public string Environment => group.Environment;
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FolderId => group.FolderId;
    public ImportedSecretJson[] Secrets => Arrays.Map(group.Secrets, s => new ImportedSecretJson(s.View));
}

/// <summary>
/// Arrays for the contracts: the generated serializer walks an array with an index, and any other list through a boxed
/// enumerator — two per secret for tags and metadata, which are arrays already.
/// </summary>
internal static class Arrays
{
    public static T[] Of<T>(IReadOnlyList<T> list) => list as T[] ?? [.. list];

    public static TOut[] Map<TIn, TOut>(IReadOnlyList<TIn> list, Func<TIn, TOut> map)
    {
        var result = new TOut[list.Count];
        for (var i = 0; i < result.Length; i++) result[i] = map(list[i]);
        return result;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OneSecretResponse<RawSecretJson>))]
[JsonSerializable(typeof(OneSecretResponse<ChangedSecretJson>))]
[JsonSerializable(typeof(OneSecretResponse<ListedSecretJson>))]
[JsonSerializable(typeof(OneSecretResponse<FetchedV3SecretJson>))]
[JsonSerializable(typeof(OneSecretResponse<FetchedByIdSecretJson>))]
[JsonSerializable(typeof(ManySecretsResponse<RawSecretJson>))]
[JsonSerializable(typeof(ManySecretsResponse<ChangedSecretJson>))]
[JsonSerializable(typeof(SecretListResponse))]
public sealed partial class SecretJsonContext : JsonSerializerContext;
