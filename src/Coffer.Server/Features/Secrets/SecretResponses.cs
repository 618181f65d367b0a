using Coffer.Server.Crypto;
using Coffer.Server.Diagnostics;
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

    private static SecretJsonContext Contracts => SecretJsonContext.Default;

    /// <summary><c>{"secrets": […], "imports": […]}</c></summary>
    public static PooledJsonBody List(ListSecretsResult result)
    {
        var count = result.Secrets.Count;
        foreach (var group in result.Imports) count += group.Secrets.Count;
        CofferMetrics.Read(count);
        return PooledJsonBody.Serialize(
            new SecretListResponse(Arrays.Map(result.Secrets, s => new ListedSecretJson(s)), Arrays.Map(result.Imports, g => new SecretImportGroupJson(g))),
            Contracts.SecretListResponse);
    }

    /// <summary>A create's answer.</summary>
    public static PooledJsonBody Created(SecretView secret) =>
        PooledJsonBody.Serialize(new(new RawSecretJson(secret)), Contracts.OneSecretResponseRawSecretJson);

    /// <summary>A batch create's answer.</summary>
    public static PooledJsonBody Created(IReadOnlyList<SecretView> secrets) =>
        PooledJsonBody.Serialize(new(Arrays.Map(secrets, s => new RawSecretJson(s))), Contracts.ManySecretsResponseRawSecretJson);

    /// <summary>An update's or a delete's answer.</summary>
    public static PooledJsonBody Changed(SecretView secret) =>
        PooledJsonBody.Serialize(new(new ChangedSecretJson(secret)), Contracts.OneSecretResponseChangedSecretJson);

    /// <summary>A batch update's or batch delete's answer.</summary>
    public static PooledJsonBody Changed(IReadOnlyList<SecretView> secrets) =>
        PooledJsonBody.Serialize(new(Arrays.Map(secrets, s => new ChangedSecretJson(s))), Contracts.ManySecretsResponseChangedSecretJson);

    /// <summary>Get by name: v4 answers with the list item's schema, v3 without <c>secretPath</c>.</summary>
    public static PooledJsonBody Fetched(SecretView secret, bool v4)
    {
        CofferMetrics.Read(1);
        return v4
            ? PooledJsonBody.Serialize(new(new ListedSecretJson(secret)), Contracts.OneSecretResponseListedSecretJson)
            : PooledJsonBody.Serialize(new(new FetchedV3SecretJson(secret)), Contracts.OneSecretResponseFetchedV3SecretJson);
    }

    /// <summary>Get by id.</summary>
    public static PooledJsonBody FetchedById(SecretView secret)
    {
        CofferMetrics.Read(1);
        return PooledJsonBody.Serialize(new(new FetchedByIdSecretJson(secret)), Contracts.OneSecretResponseFetchedByIdSecretJson);
    }
}
