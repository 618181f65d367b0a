using Coffer.Server.Crypto;
using Coffer.Server.Http;

namespace Coffer.Server.Features.Secrets;

/// <summary>List bodies of the secret routes, and the ETag that lets a client skip an unchanged one.</summary>
public static class SecretResponses
{
    /// <summary>
    /// A list response with a strong ETag over its bytes; <c>If-None-Match</c> naming it gets 304 and no body
    /// (Infisical's CLI re-polls this way).
    /// </summary>
    public static IResult JsonWithETag(HttpContext http, ResponseETags etags, PooledJsonBody body)
    {
        var etag = etags.ETag(body.Span);
        http.Response.Headers.ETag = etag;
        if (!Matches(http.Request.Headers.IfNoneMatch.ToString(), etag)) return body;
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
    public static PooledJsonBody List(ListSecretsResult result) => PooledJsonBody.Write(w =>
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
