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
        Span<byte> utf8 = stackalloc byte[TimeLength];
        writer.WriteString(name, FormatUtf8(utc, utf8));
    }

    /// <inheritdoc cref="WriteTime(Utf8JsonWriter, string, DateTime)"/>
    public static void WriteTime(Utf8JsonWriter writer, JsonEncodedText name, DateTime utc)
    {
        Span<byte> utf8 = stackalloc byte[TimeLength];
        writer.WriteString(name, FormatUtf8(utc, utf8));
    }

    private const int TimeLength = 24;

    /// <summary>
    /// <see cref="FormatTime"/>'s text as UTF-8, digit by digit: the general custom-format path was a few percent of a
    /// list of 100 secrets, which writes 200 of these.
    /// </summary>
    internal static ReadOnlySpan<byte> FormatUtf8(DateTime utc, Span<byte> destination)
    {
        utc = utc.ToUniversalTime();
        utc.Deconstruct(out int year, out int month, out int day);
        var time = utc.TimeOfDay;
        var d = destination[..TimeLength];
        Digits(d[..4], year);
        d[4] = (byte)'-';
        Digits(d.Slice(5, 2), month);
        d[7] = (byte)'-';
        Digits(d.Slice(8, 2), day);
        d[10] = (byte)'T';
        Digits(d.Slice(11, 2), time.Hours);
        d[13] = (byte)':';
        Digits(d.Slice(14, 2), time.Minutes);
        d[16] = (byte)':';
        Digits(d.Slice(17, 2), time.Seconds);
        d[19] = (byte)'.';
        Digits(d.Slice(20, 3), time.Milliseconds);
        d[23] = (byte)'Z';
        return d;
    }

    private static void Digits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Writes <see cref="DateTime"/> as <see cref="FormatTime"/> does; reads ISO-8601 as UTC.</summary>
    public sealed class UtcMillisecondsConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTime().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            Span<byte> utf8 = stackalloc byte[TimeLength];
            writer.WriteStringValue(FormatUtf8(value, utf8));
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
