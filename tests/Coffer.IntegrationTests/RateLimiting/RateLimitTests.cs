using System.Globalization;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Http.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.RateLimiting;

/// <summary>
/// Infisical's per-route limits (issue 7.1): read, write, secrets and auth policies per client IP over 60-second
/// windows, 429 <c>RateLimitExceeded</c> with <c>Retry-After</c>, <c>/api/status</c> exempt, checked after
/// authentication and before validation. Each test runs its own server with the limits it needs.
/// </summary>
public sealed class RateLimitTests
{
    private static async Task<(TestServer Server, Given Given)> StartAsync(Dictionary<string, string?> settings)
    {
        var server = await TestServer.StartAsync(settings);
        return (server, await Given.BootstrapAsync(server));
    }

    private static Task<ApiResponse> LoginAsync(Api api, string clientId, string clientSecret, string? forwardedFor = null) =>
        api.SendAsync(HttpMethod.Post, "/api/v1/auth/universal-auth/login", new { clientId, clientSecret }, customize: m =>
        {
            if (forwardedFor is not null) m.Headers.Add("X-Forwarded-For", forwardedFor);
        });

    /// <summary>A 429 in the envelope, with the message's N equal to Retry-After and inside the 60 s window.</summary>
    public static int ExpectLimited(ApiResponse r, int limit)
    {
        Assert.True(r.Code == 429, $"expected 429 but got {r}");
        var retryAfter = int.Parse(r.Header("Retry-After") ?? "missing", CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Expect.Error(r, 429, "RateLimitExceeded", $"Rate limit exceeded. Please try again in {retryAfter} seconds");
        Assert.Equal(limit.ToString(CultureInfo.InvariantCulture), r.Header("x-ratelimit-limit"));
        Assert.Equal("0", r.Header("x-ratelimit-remaining"));
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), r.Header("x-ratelimit-reset"));
        return retryAfter;
    }

    [Fact]
    public async Task Logins_over_the_auth_limit_get_429_with_retry_after()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_AUTH"] = "3" });
        await using var _ = server;
        var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());

        for (var i = 1; i <= 3; i++)
        {
            var ok = await LoginAsync(given.Api, clientId, secret);
            Expect.Ok(ok);
            Assert.Equal("3", ok.Header("x-ratelimit-limit"));
            Assert.Equal((3 - i).ToString(CultureInfo.InvariantCulture), ok.Header("x-ratelimit-remaining"));
        }

        ExpectLimited(await LoginAsync(given.Api, clientId, secret), 3);
        // Refused before the credentials are even looked at.
        ExpectLimited(await LoginAsync(given.Api, clientId, "wrong"), 3);
    }

    [Fact]
    public async Task The_count_starts_again_when_the_60_second_window_ends()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_AUTH"] = "1" });
        await using var _ = server;
        var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());

        Expect.Ok(await LoginAsync(given.Api, clientId, secret));
        ExpectLimited(await LoginAsync(given.Api, clientId, secret), 1);

        server.Clock.Advance(TimeSpan.FromSeconds(60));
        Expect.Ok(await LoginAsync(given.Api, clientId, secret));
        ExpectLimited(await LoginAsync(given.Api, clientId, secret), 1);
    }

    [Fact]
    public async Task Status_and_api_docs_are_never_limited()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_READ"] = "1" });
        await using var _ = server;

        for (var i = 0; i < 5; i++)
        {
            var status = await given.Api.GetAsync("/api/status");
            Expect.Ok(status);
            Assert.Null(status.Header("x-ratelimit-limit"));
            Expect.Ok(await given.Api.GetAsync("/api/docs/json"));
        }

        // The read limit is on: a GET route takes one request a minute.
        Expect.Ok(await given.Api.GetAsync("/api/v1/projects", given.AdminToken));
        ExpectLimited(await given.Api.GetAsync("/api/v1/projects", given.AdminToken), 1);
    }

    [Fact]
    public async Task Authentication_is_checked_before_the_limit_and_the_limit_before_validation()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_WRITE"] = "1" });
        await using var _ = server;

        // Unauthenticated requests are refused by authentication and do not use up the caller's allowance.
        for (var i = 0; i < 3; i++)
            Expect.Error(await given.Api.PostAsync("/api/v1/identities", new { }, token: null), 401, "UnauthorizedError", "Token missing");

        var invalid = new { organizationId = given.OrgId };
        Assert.Equal(422, (await given.Api.PostAsync("/api/v1/identities", invalid, given.AdminToken)).Code);
        // Over the limit, the same invalid body is refused by the limiter before validation sees it.
        ExpectLimited(await given.Api.PostAsync("/api/v1/identities", invalid, given.AdminToken), 1);
    }

    [Fact]
    public async Task Each_route_and_each_real_client_ip_has_its_own_count()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_READ"] = "1", ["TRUSTED_PROXIES"] = "127.0.0.1" });
        await using var _ = server;
        Task<ApiResponse> Get(string path, string? forwardedFor = null) =>
            given.Api.SendAsync(HttpMethod.Get, path, null, given.AdminToken, m =>
            {
                if (forwardedFor is not null) m.Headers.Add("X-Forwarded-For", forwardedFor);
            });

        Expect.Ok(await Get("/api/v1/projects"));
        ExpectLimited(await Get("/api/v1/projects"), 1);
        // Another route (even the deprecated twin of the same handler) counts separately, as in @fastify/rate-limit.
        Expect.Ok(await Get("/api/v1/workspace"));
        // Behind the trusted proxy, the forwarded client is another caller with its own count.
        Expect.Ok(await Get("/api/v1/projects", "203.0.113.9"));
        ExpectLimited(await Get("/api/v1/projects", "203.0.113.9"), 1);
    }

    [Fact]
    public async Task Without_a_trusted_proxy_x_forwarded_for_cannot_pick_a_fresh_count()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_AUTH"] = "1" });
        await using var _ = server;
        var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());

        Expect.Ok(await LoginAsync(given.Api, clientId, secret));
        ExpectLimited(await LoginAsync(given.Api, clientId, secret, forwardedFor: "203.0.113.9"), 1);
    }

    [Fact]
    public async Task Concurrent_requests_are_counted_exactly()
    {
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_AUTH"] = "10" });
        await using var _ = server;
        var (clientId, secret) = await given.UniversalAuthAsync(await given.IdentityAsync());

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => LoginAsync(given.Api, clientId, secret)));

        Assert.Equal(10, results.Count(r => r.Code == 200));
        foreach (var refused in results.Where(r => r.Code != 200)) ExpectLimited(refused, 10);
    }

    [Fact]
    public async Task By_default_only_the_auth_policy_is_on_at_60_a_minute()
    {
        // A null value removes the test harness's override, so the server's own defaults apply.
        var (server, given) = await StartAsync(new() { ["RATE_LIMIT_AUTH"] = null });
        await using var _ = server;

        for (var i = 0; i < 60; i++)
        {
            var r = await LoginAsync(given.Api, Guid.NewGuid().ToString(), "nope");
            Expect.Error(r, 401, "UnauthorizedError", "Invalid credentials");
            Assert.Equal("60", r.Header("x-ratelimit-limit"));
        }
        ExpectLimited(await LoginAsync(given.Api, Guid.NewGuid().ToString(), "nope"), 60);

        // Reads and writes are not limited unless configured.
        for (var i = 0; i < 70; i++)
        {
            var read = await given.Api.GetAsync("/api/v1/projects", given.AdminToken);
            Expect.Ok(read);
            Assert.Null(read.Header("x-ratelimit-limit"));
        }
    }

    [Fact]
    public async Task Every_route_counts_under_its_infisical_policy()
    {
        await using var server = await TestServer.StartAsync();
        var routes = server.Services.GetRequiredService<RateLimitRoutes>();
        var auth = new[]
        {
            "POST /api/v1/auth/universal-auth/login", "POST /api/v1/auth/token/renew", "POST /api/v1/auth/token/revoke",
            "POST /api/v1/admin/bootstrap", "POST /api/v3/auth/login", "POST /api/v3/auth/select-organization",
            // An invitation's code and sign-up token are credentials too (Infisical: inviteUserRateLimit, authRateLimit).
            "POST /api/v1/invite-org/verify", "POST /api/v3/signup/complete-account/invite",
        };
        var exempt = new[] { "GET /api/status", "GET /api/ready", "GET /api/docs/json", "GET /api/docs/{**path}", "* /api/{**path}",
            // The console pages' fallback: counted inside the pages' pipeline, per page (ConsoleRateLimitTests).
            "* {**path}",
            // The console's stylesheet and scripts: static, cacheable, no data.
            "GET /console/console.css", "GET /console/console.js",
            "GET /console/blazor.web.js" };
        var seen = new List<string>();

        foreach (var endpoint in server.Endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            foreach (var method in methods)
            {
                var name = $"{method} {endpoint.RoutePattern.RawText}";
                seen.Add(name);
                var route = routes.For(endpoint, method == "*" ? "GET" : method);
                if (exempt.Contains(name) || name.StartsWith("GET /api/docs", StringComparison.Ordinal))
                {
                    Assert.True(route is null, $"{name} must not be limited");
                    continue;
                }
                Assert.NotNull(route);
                var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
                var secretsRoute = path.StartsWith("/api/v3/secrets", StringComparison.Ordinal) || path.StartsWith("/api/v4/secrets", StringComparison.Ordinal);
                var secretsChange = method != "GET" && (path.StartsWith("/api/v1/folders", StringComparison.Ordinal) || path.StartsWith("/api/v2/folders", StringComparison.Ordinal)
                    || path.StartsWith("/api/v1/secret-imports", StringComparison.Ordinal) || path.StartsWith("/api/v2/secret-imports", StringComparison.Ordinal));
                var expected = auth.Contains(name) ? RateLimitPolicy.Auth
                    : secretsRoute || secretsChange ? RateLimitPolicy.Secrets
                    : method == "GET" ? RateLimitPolicy.Read
                    : RateLimitPolicy.Write;
                Assert.True(expected == route.Policy, $"{name}: expected {expected}, got {route.Policy}");
                Assert.Equal(name, route.Key);
            }
        }

        Assert.All(auth, a => Assert.Contains(a, seen));
        Assert.Contains("GET /api/status", seen);
    }
}
