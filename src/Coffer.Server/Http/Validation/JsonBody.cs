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
            endpoint.Metadata.GetMetadata<RouteNotFoundMetadata>() is null)
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
        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions);
            var root = JsonNode.Parse(doc.RootElement.GetRawText(), documentOptions: DocumentOptions);
            return (root, true);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'");
        }
    }

    /// <summary>Marks the catch-all that answers unknown routes: its body is never looked at.</summary>
    public sealed class RouteNotFoundMetadata;

    private static bool IsJsonMediaType(string contentType)
    {
        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semi >= 0 ? contentType[..semi] : contentType).Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
