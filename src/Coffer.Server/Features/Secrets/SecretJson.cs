using System.Buffers;
using System.Text.Json;
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
    public static void Write(Utf8JsonWriter w, SecretView s, SecretShape shape)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteString("_id", s.Id);
        w.WriteString("workspace", s.Workspace);
        w.WriteString("environment", s.Environment);
        w.WriteNumber("version", s.Version);
        w.WriteString("type", s.Type);
        w.WriteString("secretKey", s.Key);
        w.WriteString("secretValue", s.Value);
        w.WriteString("secretComment", s.Comment);
        if (s.ReminderNote is null) w.WriteNull("secretReminderNote");
        else w.WriteString("secretReminderNote", s.ReminderNote);
        if (s.ReminderRepeatDays is { } days) w.WriteNumber("secretReminderRepeatDays", days);
        else w.WriteNull("secretReminderRepeatDays");
        w.WriteBoolean("skipMultilineEncoding", s.SkipMultilineEncoding);
        if (shape.HasFlag(SecretShape.Imported))
        {
            w.WriteBoolean("isRotatedSecret", false);
            w.WriteNull("rotationId");
        }
        else
        {
            ApiJson.WriteTime(w, "createdAt", UnixMs.ToUtc(s.CreatedAt));
            ApiJson.WriteTime(w, "updatedAt", UnixMs.ToUtc(s.UpdatedAt));
        }
        if (shape.HasFlag(SecretShape.Path)) w.WriteString("secretPath", s.SecretPath);
        if (shape.HasFlag(SecretShape.ValueHidden)) w.WriteBoolean("secretValueHidden", s.ValueHidden);
        if (shape.HasFlag(SecretShape.Metadata))
        {
            w.WriteStartArray("secretMetadata");
            foreach (var m in s.Metadata)
            {
                w.WriteStartObject();
                w.WriteString("key", m.Key);
                w.WriteString("value", m.Value);
                w.WriteBoolean("isEncrypted", m.IsEncrypted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (shape.HasFlag(SecretShape.Tags))
        {
            w.WriteStartArray("tags");
            foreach (var t in s.Tags)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("slug", t.Slug);
                if (t.Color is null) w.WriteNull("color");
                else w.WriteString("color", t.Color);
                w.WriteString("name", t.Slug);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary><c>{"secret": …}</c></summary>
    public static SecretBody One(SecretView s, SecretShape shape) => Build(list: false, write: w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("secret");
        Write(w, s, shape);
        w.WriteEndObject();
    });

    /// <summary><c>{"secrets": […]}</c></summary>
    public static SecretBody Many(IEnumerable<SecretView> secrets, SecretShape shape) => Build(list: true, write: w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("secrets");
        foreach (var s in secrets) Write(w, s, shape);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    // Every secret response is written straight into a pooled array that becomes the body (no copy of a 50 KB list),
    // sized from the previous answer of the same kind so that it rarely grows. One writer per thread: the write callback
    // is synchronous, so a thread never uses its writer twice at once.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly ArrayBufferWriter<byte> Detached = new(1);
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    private static int s_lastOne = 2048;
    private static int s_lastList = 16384;

    /// <param name="list">Whether this is a list answer: lists and single secrets keep separate size guesses.</param>
    public static SecretBody Build(Action<Utf8JsonWriter> write, bool list)
    {
        ref var last = ref list ? ref s_lastList : ref s_lastOne;
        var lastSize = Volatile.Read(ref last);
        var output = new PooledBodyWriter(lastSize + (lastSize / 8));
        var writer = t_writer ??= new Utf8JsonWriter(Detached, WriterOptions);
        writer.Reset(output);
        try
        {
            write(writer);
            writer.Flush();
            Volatile.Write(ref last, output.Written);
            return output.Detach();
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            // The thread's writer must not keep the body (decrypted values) reachable after it was handed on.
            writer.Reset(Detached);
        }
    }
}
