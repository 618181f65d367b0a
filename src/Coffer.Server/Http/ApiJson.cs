using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Server.Http;

/// <summary>JSON as Infisical writes it: camelCase, dates as ISO-8601 UTC with milliseconds and Z.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// Escape only what JSON requires, as JavaScript's JSON.stringify does: apostrophes, ampersands and non-ASCII text
    /// stay as they are, so bodies match Infisical's byte for byte. (Nothing here is ever embedded in HTML.)
    /// </summary>
    public static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Encoder = Encoder;
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new UtcMillisecondsConverter());
        options.Converters.Add(new NullableUtcMillisecondsConverter());
        return options;
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string FormatTime(DateTime utc) => utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>A <see cref="FormatTime"/> property written without the intermediate string (lists write two per secret).</summary>
    public static void WriteTime(Utf8JsonWriter writer, string name, DateTime utc)
    {
        Span<byte> utf8 = stackalloc byte[32];
        if (utc.ToUniversalTime().TryFormat(utf8, out var length, TimeFormat, CultureInfo.InvariantCulture))
            writer.WriteString(name, utf8[..length]);
        else
            writer.WriteString(name, FormatTime(utc));
    }

    private sealed class UtcMillisecondsConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTime().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            Span<byte> buffer = stackalloc byte[32];
            var utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
            utc.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            writer.WriteStringValue(buffer[..written]);
        }
    }

    private sealed class NullableUtcMillisecondsConverter : JsonConverter<DateTime?>
    {
        private static readonly UtcMillisecondsConverter Inner = new();

        public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTime), options);

        public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
        {
            if (value is null) writer.WriteNullValue();
            else Inner.Write(writer, value.Value, options);
        }
    }
}

/// <summary>Times are stored as Unix milliseconds; responses carry them as UTC DateTimes.</summary>
public static class UnixMs
{
    public static DateTime ToUtc(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);
    public static DateTime? ToUtc(long? ms) => ms is null ? null : DateTime.UnixEpoch.AddMilliseconds(ms.Value);
    public static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();
}
