namespace Coffer.Server.Http.RateLimiting;

/// <summary>
/// Infisical's per-route rate-limit policies (<c>readLimit</c>, <c>writeLimit</c>, <c>secretsLimit</c>,
/// <c>authRateLimit</c> in <c>backend/src/server/config/rateLimiter.ts</c>): a per-minute maximum per client IP.
/// </summary>
public enum RateLimitPolicy
{
    Read,
    Write,
    Secrets,
    Auth,
}

/// <summary>Endpoint metadata naming the route's policy; a null policy exempts the route (as <c>/api/status</c>).</summary>
/// <summary>A policy on a class-shaped endpoint (a console page), read like <see cref="RateLimitMetadata"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RateLimitAttribute(RateLimitPolicy policy) : Attribute
{
    public RateLimitPolicy Policy { get; } = policy;
}

public sealed class RateLimitMetadata(RateLimitPolicy? policy)
{
    public static readonly RateLimitMetadata Exempt = new(null);

    public RateLimitPolicy? Policy { get; } = policy;
}

public static class RateLimitEndpointExtensions
{
    /// <summary>Counts this route under <paramref name="policy"/> instead of the method-based default.</summary>
    public static TBuilder WithRateLimit<TBuilder>(this TBuilder builder, RateLimitPolicy policy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitMetadata(policy));

    /// <summary>Never rate limited (health checks, API docs, the not-found answer).</summary>
    public static TBuilder WithoutRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RateLimitMetadata.Exempt);
}
