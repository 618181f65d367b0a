using System.Text.RegularExpressions;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Crypto;
using Coffer.Server.Http.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Every authenticated route in the routing table (so a new route is covered the day it is added) refuses a missing,
/// garbage, expired or revoked token, and a token of a deleted identity, and nothing in the database changes.
/// </summary>
public sealed partial class TokenDenialMatrixTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_authenticated_route_refuses_bad_tokens_without_side_effects()
    {
        var routes = Routes();
        Assert.True(routes.Count >= 60, $"only {routes.Count} authenticated routes found");

        var (_, revoked) = await fx.Given.IdentityWithTokenAsync("admin");
        Expect.Ok(await fx.Api.PostAsync("/api/v1/auth/token/revoke", new { accessToken = revoked }));
        var (deletedId, orphan) = await fx.Given.IdentityWithTokenAsync("admin");
        Expect.Ok(await fx.Api.DeleteAsync($"/api/v1/identities/{deletedId}", fx.AdminToken));
        var expired = ExpiredToken();

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var checkedCount = 0;
        foreach (var (method, path) in routes)
        {
            var body = method is "GET" ? null : "{}";
            Expect.Error(await fx.Api.SendAsync(new HttpMethod(method), path, body), 401, "UnauthorizedError", "Token missing");
            Expect.Error(await fx.Api.SendAsync(new HttpMethod(method), path, body, "garbage"), 401, "TokenError",
                "The provided access token is malformed. Please use a valid token or generate a new one and try again.");
            Expect.Error(await fx.Api.SendAsync(new HttpMethod(method), path, body, expired), 401, "TokenError", "Your token has expired. Please re-authenticate.");
            Expect.Error(await fx.Api.SendAsync(new HttpMethod(method), path, body, revoked), 401, "TokenError", "No identity access token found");
            Expect.Error(await fx.Api.SendAsync(new HttpMethod(method), path, body, orphan), 401, "TokenError", "No identity access token found");
            checkedCount++;
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
        Assert.Equal(routes.Count, checkedCount);
        TestReport.Write("authorization matrix (tokens)",
            $"routes: {routes.Count} × {{missing, garbage, expired, revoked, deleted identity}}: {checkedCount * 5} denials checked (401, exact bodies); database unchanged");
    }

    private List<(string Method, string Path)> Routes()
    {
        var result = new List<(string, string)>();
        foreach (var endpoint in fx.Server.Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<RequiresActorMetadata>() is null) continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            var path = ParameterPattern().Replace(endpoint.RoutePattern.RawText!, _ => Guid.NewGuid().ToString());
            foreach (var method in methods) result.Add((method, "/" + path.TrimStart('/')));
        }
        return result;
    }

    /// <summary>A correctly signed identity token that expired an hour ago.</summary>
    private static string ExpiredToken()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var codec = JwtCodec.FromAuthSecret(TestServer.AuthSecret, clock);
        return codec.IssueIdentityToken(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), null, 3600);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex ParameterPattern();
}
