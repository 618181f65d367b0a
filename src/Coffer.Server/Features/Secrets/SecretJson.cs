using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.Secrets;

/// <summary>The fields a route's response schema keeps on a secret, beyond Infisical's <c>secretRawSchema</c>.</summary>
[Flags]
public enum SecretShape
{
    /// <summary>secretRawSchema: create responses, batch create.</summary>
    Raw = 0,
    ValueHidden = 1,
    Path = 2,
    Tags = 4,
    Metadata = 8,
    /// <summary>Imported secrets: no timestamps, rotation flags present.</summary>
    Imported = 16,
}

/// <summary>The shapes the routes use.</summary>
public static class SecretShapes
{
    /// <summary>Update, delete and their batch forms.</summary>
    public const SecretShape Changed = SecretShape.ValueHidden;

    /// <summary>Items of a list, and v4 get by name.</summary>
    public const SecretShape Listed = SecretShape.ValueHidden | SecretShape.Path | SecretShape.Tags | SecretShape.Metadata;

    /// <summary>v3 get by name (no secretPath, as Infisical's v3 schema).</summary>
    public const SecretShape FetchedV3 = SecretShape.ValueHidden | SecretShape.Tags | SecretShape.Metadata;

    /// <summary>Get by id (no secretValueHidden, as Infisical's schema).</summary>
    public const SecretShape FetchedById = SecretShape.Path | SecretShape.Tags | SecretShape.Metadata;

    /// <summary>Secrets under a list's <c>imports</c>.</summary>
    public const SecretShape Imported = SecretShape.Imported | SecretShape.ValueHidden | SecretShape.Metadata;

}

/// <summary>Writes secrets straight to UTF-8 JSON with exactly the fields each route declares.</summary>
public static class SecretJson
{
    // Property names encoded once: written as strings, each of the ~20 per secret was transcoded and checked for
    // escaping on every response (a list of 100 writes 2 000).
    private static class Names
    {
        public static readonly JsonEncodedText Color = JsonEncodedText.Encode("color");
        public static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
        public static readonly JsonEncodedText Environment = JsonEncodedText.Encode("environment");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText IsEncrypted = JsonEncodedText.Encode("isEncrypted");
        public static readonly JsonEncodedText IsRotatedSecret = JsonEncodedText.Encode("isRotatedSecret");
        public static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText RotationId = JsonEncodedText.Encode("rotationId");
        public static readonly JsonEncodedText SecretComment = JsonEncodedText.Encode("secretComment");
        public static readonly JsonEncodedText SecretKey = JsonEncodedText.Encode("secretKey");
        public static readonly JsonEncodedText SecretMetadata = JsonEncodedText.Encode("secretMetadata");
        public static readonly JsonEncodedText SecretPath = JsonEncodedText.Encode("secretPath");
        public static readonly JsonEncodedText SecretReminderNote = JsonEncodedText.Encode("secretReminderNote");
        public static readonly JsonEncodedText SecretReminderRepeatDays = JsonEncodedText.Encode("secretReminderRepeatDays");
        public static readonly JsonEncodedText SecretValue = JsonEncodedText.Encode("secretValue");
        public static readonly JsonEncodedText SecretValueHidden = JsonEncodedText.Encode("secretValueHidden");
        public static readonly JsonEncodedText SkipMultilineEncoding = JsonEncodedText.Encode("skipMultilineEncoding");
        public static readonly JsonEncodedText Slug = JsonEncodedText.Encode("slug");
        public static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText UnderscoreId = JsonEncodedText.Encode("_id");
        public static readonly JsonEncodedText UpdatedAt = JsonEncodedText.Encode("updatedAt");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
        public static readonly JsonEncodedText Workspace = JsonEncodedText.Encode("workspace");
    }

    public static void Write(Utf8JsonWriter w, SecretView s, SecretShape shape)
    {
        w.WriteStartObject();
        w.WriteString(Names.Id, s.Id);
        w.WriteString(Names.UnderscoreId, s.Id);
        w.WriteString(Names.Workspace, s.Workspace);
        w.WriteString(Names.Environment, s.Environment);
        w.WriteNumber(Names.Version, s.Version);
        w.WriteString(Names.Type, s.Type);
        w.WriteString(Names.SecretKey, s.Key);
        w.WriteString(Names.SecretValue, s.Value);
        w.WriteString(Names.SecretComment, s.Comment);
        if (s.ReminderNote is null) w.WriteNull(Names.SecretReminderNote);
        else w.WriteString(Names.SecretReminderNote, s.ReminderNote);
        if (s.ReminderRepeatDays is { } days) w.WriteNumber(Names.SecretReminderRepeatDays, days);
        else w.WriteNull(Names.SecretReminderRepeatDays);
        w.WriteBoolean(Names.SkipMultilineEncoding, s.SkipMultilineEncoding);
        if (shape.HasFlag(SecretShape.Imported))
        {
            w.WriteBoolean(Names.IsRotatedSecret, false);
            w.WriteNull(Names.RotationId);
        }
        else
        {
            ApiJson.WriteTime(w, Names.CreatedAt, UnixMs.ToUtc(s.CreatedAt));
            ApiJson.WriteTime(w, Names.UpdatedAt, UnixMs.ToUtc(s.UpdatedAt));
        }
        if (shape.HasFlag(SecretShape.Path)) w.WriteString(Names.SecretPath, s.SecretPath);
        if (shape.HasFlag(SecretShape.ValueHidden)) w.WriteBoolean(Names.SecretValueHidden, s.ValueHidden);
        if (shape.HasFlag(SecretShape.Metadata))
        {
            w.WriteStartArray(Names.SecretMetadata);
            foreach (var m in s.Metadata)
            {
                w.WriteStartObject();
                w.WriteString(Names.Key, m.Key);
                w.WriteString(Names.Value, m.Value);
                w.WriteBoolean(Names.IsEncrypted, m.IsEncrypted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (shape.HasFlag(SecretShape.Tags))
        {
            w.WriteStartArray(Names.Tags);
            foreach (var t in s.Tags)
            {
                w.WriteStartObject();
                w.WriteString(Names.Id, t.Id);
                w.WriteString(Names.Slug, t.Slug);
                if (t.Color is null) w.WriteNull(Names.Color);
                else w.WriteString(Names.Color, t.Color);
                w.WriteString(Names.Name, t.Slug);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary><c>{"secret": …}</c></summary>
    public static PooledJsonBody One(SecretView s, SecretShape shape) => PooledJsonBody.Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("secret");
        Write(w, s, shape);
        w.WriteEndObject();
    });

    /// <summary><c>{"secrets": […]}</c></summary>
    public static PooledJsonBody Many(IEnumerable<SecretView> secrets, SecretShape shape) => PooledJsonBody.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("secrets");
        foreach (var s in secrets) Write(w, s, shape);
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
