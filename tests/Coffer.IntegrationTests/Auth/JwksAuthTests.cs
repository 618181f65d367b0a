using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>A server allowed to reach identity providers on its own network (ALLOW_INTERNAL_IP_CONNECTIONS), as the local test issuer is.</summary>
public sealed class InternalConnectionsServer : ServerFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["ALLOW_INTERNAL_IP_CONNECTIONS"] = "true" };
}

/// <summary>
/// JWT auth with <c>configurationType: jwks</c> against a local HTTPS issuer: keys fetched with the configured CA,
/// cached, fetched again once when a token names a <c>kid</c> the cache lacks (the issuer rotated), and a JWKS address
/// that hangs, redirects or is not trusted answered with a 502 that names the step, in bounded time.
/// </summary>
public sealed class JwksAuthTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private TestIssuer _issuer = null!;

    public async ValueTask InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async ValueTask DisposeAsync() => await _issuer.DisposeAsync();

    private JsonObject Claims()
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject { ["iss"] = _issuer.BaseUrl, ["sub"] = "workload-1", ["aud"] = "coffer", ["iat"] = now, ["exp"] = now + 300 };
    }

    private async Task<string> ConfiguredAsync(string jwksPath, string? ca)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", new
        {
            configurationType = "jwks",
            jwksUrl = _issuer.BaseUrl + jwksPath,
            jwksCaCert = ca ?? "",
            boundClaims = new { },
            boundIssuer = _issuer.BaseUrl,
            boundAudiences = "coffer",
        }, fx.AdminToken));
        return identityId;
    }

    private Task<ApiResponse> LoginAsync(string identityId, string jwt) =>
        fx.Api.PostAsync("/api/v1/auth/jwt-auth/login", new { identityId, jwt });

    [Fact]
    public async Task Keys_are_fetched_cached_and_fetched_again_once_when_the_issuer_rotates()
    {
        var identityId = await ConfiguredAsync("/jwks", _issuer.CaPem);
        Expect.Ok(await LoginAsync(identityId, _issuer.Sign("k1", Claims())));
        Expect.Ok(await LoginAsync(identityId, _issuer.Sign("k1", Claims())));
        Assert.Equal(1, _issuer.JwksFetches); // the second login used the cached keys

        _issuer.Rotate("k2");
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(11)); // past the floor between fetches
        Expect.Ok(await LoginAsync(identityId, _issuer.Sign("k2", Claims())));
        Assert.Equal(2, _issuer.JwksFetches);
        // k1 is gone from the issuer: refused, and no fetch within ten seconds of the last one.
        Expect.Error(await LoginAsync(identityId, _issuer.Sign("k1", Claims())), 401, "UnauthorizedError",
            "Access denied: the JWKS has no signing key 'k1'");
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task A_JWKS_that_hangs_redirects_or_is_not_trusted_is_a_502_naming_the_step()
    {
        var hangs = await ConfiguredAsync("/hang", _issuer.CaPem);
        Expect.Error(await LoginAsync(hangs, _issuer.Sign("k1", Claims())), 502, "BadGateway",
            $"Fetching the JWKS failed: {_issuer.BaseUrl}/hang did not answer within 5 seconds");
        var redirects = await ConfiguredAsync("/redirect", _issuer.CaPem);
        Expect.Error(await LoginAsync(redirects, _issuer.Sign("k1", Claims())), 502, "BadGateway",
            $"Fetching the JWKS failed: {_issuer.BaseUrl}/redirect answered 302");
        // No CA configured: the system's roots, which do not know the test CA (Infisical would stop checking instead).
        var untrusted = await ConfiguredAsync("/jwks", null);
        Expect.Error(await LoginAsync(untrusted, _issuer.Sign("k1", Claims())), 502, "BadGateway",
            "Fetching the JWKS failed: the server's TLS certificate is not trusted");
    }
}
