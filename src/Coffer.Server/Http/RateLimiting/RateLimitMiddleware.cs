using System.Globalization;
using Coffer.Server.Configuration;

namespace Coffer.Server.Http.RateLimiting;

/// <summary>
/// Applies the route's policy after authentication and before the handler reads or validates input, where
/// Infisical runs its per-route limiter (<c>preValidation</c>): a bad token still gets its 401, and a refused
/// request never reaches validation. Over the limit: 429 <c>RateLimitExceeded</c> with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, RateLimiter limiter, RateLimitRoutes routes, ClientIp clientIp, CofferOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = routes.For(context.GetEndpoint(), context.Request.Method);
        var limit = route is null ? 0 : LimitFor(route.Policy);
        if (limit <= 0)
        {
            await next(context);
            return;
        }

        var bucket = $"{route!.Key} {clientIp.Resolve(context)}";
        var decision = await limiter.HitAsync(bucket, limit);
        // Registered for when the response starts, so they survive the error handler clearing the response.
        context.Response.OnStarting(static state =>
        {
            var (response, d) = ((HttpResponse, RateLimitDecision))state;
            response.Headers["x-ratelimit-limit"] = d.Limit.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining"] = d.Remaining.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset"] = d.SecondsLeft.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (context.Response, decision));

        if (!decision.Allowed) throw new RateLimitedException(decision.SecondsLeft);
        await next(context);
    }

    private int LimitFor(RateLimitPolicy policy) => policy switch
    {
        RateLimitPolicy.Read => options.RateLimits.ReadPerMinute,
        RateLimitPolicy.Write => options.RateLimits.WritePerMinute,
        RateLimitPolicy.Secrets => options.RateLimits.SecretsPerMinute,
        RateLimitPolicy.Auth => options.RateLimits.AuthPerMinute,
        _ => 0,
    };
}
