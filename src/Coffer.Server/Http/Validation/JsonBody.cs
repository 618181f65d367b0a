using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Coffer.Server.Http.Validation;

/// <summary>
/// Reads a request body as JSON the way Fastify's parser accepts it, but answers client mistakes with 4xx:
/// malformed or empty JSON is 400, another content type is 415, an oversized body is 413.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 64,
        AllowDuplicateProperties = false,
    };

    /// <summary>The body as an <see cref="Input"/>; a request without a body yields "Required" at path [] when validated.</summary>
    public static async Task<Input> ReadInputAsync(HttpRequest request)
    {
        var (node, present) = await ReadAsync(request);
        return Input.ForBody(node, present);
    }

    /// <summary>Whether a value is the JSON string <c>""</c> (what Go clients send for a field they leave unset).</summary>
    public static bool IsEmptyString(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0;

    private const string ParsedKey = "coffer.body";

    public const string NulMessage = "Text values cannot contain the NUL character (\\u0000)";

    /// <summary>
    /// Parses the body of every request that carries one, before the endpoint runs, as Fastify does: a malformed, empty,
    /// oversized or non-JSON body is refused on every route, including those that do not use their body.
    /// GET and HEAD bodies are ignored, as Fastify ignores them.
    /// </summary>
    public static IApplicationBuilder UseJsonBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        // No filter, name or id legitimately holds a NUL, and PostgreSQL cannot store one: refuse it on every engine alike.
        if (request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true)
            throw new BadRequestException(NulMessage);
        var endpoint = context.GetEndpoint();
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && endpoint is not null &&
            endpoint.Metadata.GetMetadata<RouteNotFoundMetadata>() is null && endpoint.Metadata.GetMetadata<FormBodyMetadata>() is null)
        {
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            if (limit is not null && request.ContentLength > limit) throw new PayloadTooLargeException();
            context.Items[ParsedKey] = await ParseAsync(request);
        }
        await next(context);
    });

    public static async Task<(JsonNode? Node, bool Present)> ReadAsync(HttpRequest request)
    {
        if (request.HttpContext.Items.TryGetValue(ParsedKey, out var parsed) && parsed is ValueTuple<JsonNode?, bool> done) return done;
        var result = await ParseAsync(request);
        request.HttpContext.Items[ParsedKey] = result;
        return result;
    }

    private static async Task<(JsonNode? Node, bool Present)> ParseAsync(HttpRequest request)
    {
        var hasBody = request.ContentLength > 0 ||
            (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
        var contentType = request.ContentType;
        var isJson = contentType is not null && IsJsonMediaType(contentType);

        if (!hasBody)
        {
            if (isJson && request.ContentLength == 0)
                throw new BadRequestException("Body cannot be empty when content-type is set to 'application/json'");
            return (null, false);
        }

        if (!isJson)
            throw new UnsupportedMediaTypeException($"Unsupported Media Type: {contentType ?? "undefined"}");

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
            throw new BadRequestException("Body cannot be empty when content-type is set to 'application/json'");
        JsonNode? root;
        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
            root = JsonNode.Parse(doc.RootElement.GetRawText(), documentOptions: DocumentOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            if (EscapedLoneSurrogate(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } where)
                throw new ValidationException([new ValidationIssue("custom", [where], LoneSurrogateMessage)]);
            throw new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'");
        }
        var path = new List<object>();
        if (FindLoneSurrogate(root, path))
            throw new ValidationException([new ValidationIssue("custom", path, LoneSurrogateMessage)]);
        return (root, true);
    }

    public const string LoneSurrogateMessage = "Text values cannot contain unpaired UTF-16 surrogates";

    /// <summary>
    /// JSON lets a string escape half a surrogate pair (<c>"\ud800"</c>); such text is not Unicode, cannot be encoded
    /// as UTF-8 for hashing, signing or storage, and is refused here, for every key and value of every body, before any
    /// handler sees it. Fills <paramref name="path"/> with the first offender's location.
    /// </summary>
    private static bool FindLoneSurrogate(JsonNode? node, List<object> path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    path.Add(key);
                    if (HasLoneSurrogate(key) || FindLoneSurrogate(value, path)) return true;
                    path.RemoveAt(path.Count - 1);
                }
                return false;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    path.Add(i);
                    if (FindLoneSurrogate(array[i], path)) return true;
                    path.RemoveAt(path.Count - 1);
                }
                return false;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    return HasLoneSurrogate(value.GetValue<string>());
                }
                catch (InvalidOperationException)
                {
                    // The reader refuses to unescape half a pair into a string: the same fault.
                    return true;
                }
            default:
                return false;
        }
    }

    /// <summary>
    /// A body the parser refused because a key unescapes to half a surrogate pair: the offending key as written (escaped),
    /// or null when the body is malformed for another reason.
    /// </summary>
    private static string? EscapedLoneSurrogate(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String)) continue;
                try
                {
                    if (!HasLoneSurrogate(reader.GetString()!)) continue;
                }
                catch (InvalidOperationException)
                {
                }
                return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return true;
        }
        return false;
    }

    /// <summary>Marks the catch-all that answers unknown routes: its body is never looked at.</summary>
    public sealed class RouteNotFoundMetadata;

    /// <summary>Marks routes that take HTML form posts (the console): their bodies are not JSON.</summary>
    public sealed class FormBodyMetadata
    {
        public static readonly FormBodyMetadata Instance = new();
    }

    private static bool IsJsonMediaType(string contentType)
    {
        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semi >= 0 ? contentType[..semi] : contentType).Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
