using Coffer.Server.Crypto;

namespace Coffer.Server.Features.Secrets;

/// <summary>Response bodies of the secret routes, written once as UTF-8, with an ETag on lists.</summary>
public static class SecretResponses
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public static IResult Json(SecretBody body) => new JsonBytes(body);

    /// <summary>
    /// Writes the body as is. Results.Bytes would do the same after asking the request's services for a logger, which
    /// creates a DI scope per request; secret reads are the hottest routes.
    /// </summary>
    private sealed class JsonBytes(SecretBody body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using (body)
            {
                var response = httpContext.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = JsonContentType;
                response.ContentLength = body.Length;
                // Headers first, then the body into one span of the response pipe, then one flush. Written through the
                // stream, a 54 KB list went in 4 KB blocks, each taking the pipe's lock while the socket sender took it
                // to send the previous ones: under load that contention was ~15 % of a list's samples.
                await response.StartAsync();
                var writer = response.BodyWriter;
                body.Span.CopyTo(writer.GetSpan(body.Length));
                writer.Advance(body.Length);
                await writer.FlushAsync();
            }
        }
    }

    /// <summary>
    /// A list response with a strong ETag over its bytes; <c>If-None-Match</c> naming it gets 304 and no body
    /// (Infisical's CLI re-polls this way).
    /// </summary>
    public static IResult JsonWithETag(HttpContext http, ResponseETags etags, SecretBody body)
    {
        var etag = etags.ETag(body.Span);
        http.Response.Headers.ETag = etag;
        if (!Matches(http.Request.Headers.IfNoneMatch.ToString(), etag)) return Json(body);
        body.Dispose();
        return Results.StatusCode(StatusCodes.Status304NotModified);
    }

    private static bool Matches(string ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Length == 0) return false;
        foreach (var candidate in ifNoneMatch.Split(','))
        {
            var tag = candidate.Trim();
            if (tag == "*") return true;
            if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
            if (string.Equals(tag, etag, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary><c>{"secrets": […], "imports": […]}</c></summary>
    public static SecretBody List(ListSecretsResult result) => SecretJson.Build(list: true, write: w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("secrets");
        foreach (var s in result.Secrets) SecretJson.Write(w, s, SecretShapes.Listed);
        w.WriteEndArray();
        w.WriteStartArray("imports");
        foreach (var group in result.Imports)
        {
            w.WriteStartObject();
            w.WriteString("secretPath", group.SecretPath);
            w.WriteString("environment", group.Environment);
            if (group.FolderId is not null) w.WriteString("folderId", group.FolderId);
            w.WriteStartArray("secrets");
            foreach (var (_, view) in group.Secrets) SecretJson.Write(w, view, SecretShapes.Imported);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
