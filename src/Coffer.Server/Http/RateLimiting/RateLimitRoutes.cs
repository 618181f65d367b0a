using System.Collections.Concurrent;

namespace Coffer.Server.Http.RateLimiting;

/// <summary>
/// Which policy a request counts under, and the route part of its counter key.
/// <para>Explicit <see cref="RateLimitMetadata"/> wins. Otherwise Infisical's routers are followed by path:
/// every secrets route (<c>/api/v3/secrets…</c>, <c>/api/v4/secrets…</c>) uses <c>secretsLimit</c>; folder and
/// secret-import changes use <c>secretsLimit</c> and their reads <c>readLimit</c>; any other GET uses
/// <c>readLimit</c> and any other method <c>writeLimit</c>. Routes written later (secrets, folders) need no tag.</para>
/// <para>Counters are per route, as <c>@fastify/rate-limit</c> keeps them (each route's store is a child keyed by
/// method and URL pattern): 60 reads a minute means 60 on each GET route, not 60 GETs in total.</para>
/// </summary>
public sealed class RateLimitRoutes
{
    private static readonly string[] SecretsPrefixes = ["/api/v3/secrets", "/api/v4/secrets"];
    private static readonly string[] SecretsWritePrefixes = ["/api/v1/folders", "/api/v2/folders", "/api/v1/secret-imports", "/api/v2/secret-imports"];
    private readonly ConcurrentDictionary<(Endpoint, string), RateLimitedRoute?> _cache = new();

    /// <summary>The route's policy and key, or null when the request is never limited.</summary>
    public RateLimitedRoute? For(Endpoint? endpoint, string method)
    {
        if (endpoint is not RouteEndpoint route) return null;
        return _cache.GetOrAdd((route, method), static key => Resolve((RouteEndpoint)key.Item1, key.Item2));
    }

    private static RateLimitedRoute? Resolve(RouteEndpoint endpoint, string method)
    {
        var pattern = endpoint.RoutePattern.RawText ?? "";
        var policy = endpoint.Metadata.GetMetadata<RateLimitMetadata>() is { } explicitPolicy ? explicitPolicy.Policy
            : endpoint.Metadata.GetMetadata<RateLimitAttribute>() is { } attribute ? attribute.Policy
            : DefaultPolicy(pattern, method);
        return policy is null ? null : new RateLimitedRoute(policy.Value, $"{method.ToUpperInvariant()} {pattern}");
    }

    internal static RateLimitPolicy DefaultPolicy(string pattern, string method)
    {
        var isRead = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (StartsWithAny(pattern, SecretsPrefixes)) return RateLimitPolicy.Secrets;
        if (StartsWithAny(pattern, SecretsWritePrefixes)) return isRead ? RateLimitPolicy.Read : RateLimitPolicy.Secrets;
        return isRead ? RateLimitPolicy.Read : RateLimitPolicy.Write;
    }

    private static bool StartsWithAny(string pattern, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (pattern.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (pattern.Length == prefix.Length || pattern[prefix.Length] is '/' or '?'))
                return true;
        }
        return false;
    }
}

/// <summary>A rate-limited route: its policy and its counter key (<c>"POST /api/v1/auth/universal-auth/login"</c>).</summary>
public sealed record RateLimitedRoute(RateLimitPolicy Policy, string Key);
