using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// OIDC auth against a local HTTPS OpenID provider (discovery document, JWKS, tokens signed with its keys): the
/// configuration routes' shape, a login, a rotated key fetched once, each bound field failing with Infisical's answer,
/// a token with no <c>kid</c>, a discovery endpoint that hangs, and revocation.
/// </summary>
public sealed class OidcAuthTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private static readonly string[] ConfigKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "identityId", "oidcDiscoveryUrl",
        "boundIssuer", "boundAudiences", "boundClaims", "claimMetadataMapping", "boundSubject", "createdAt", "updatedAt", "caCert",
    ];

    private TestIssuer _issuer = null!;

    public async ValueTask InitializeAsync() => _issuer = await TestIssuer.StartAsync();

    public async ValueTask DisposeAsync() => await _issuer.DisposeAsync();

    private JsonObject Claims()
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = _issuer.BaseUrl,
            ["sub"] = "system:serviceaccount:prod:api",
            ["aud"] = "coffer",
            ["iat"] = now,
            ["exp"] = now + 300,
            ["environment"] = "production",
        };
    }

    private async Task<(string IdentityId, JsonObject Config)> ConfiguredAsync(string discoveryPath = "")
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var r = await fx.Api.PostAsync($"/api/v1/auth/oidc-auth/identities/{identityId}", new
        {
            oidcDiscoveryUrl = _issuer.BaseUrl + discoveryPath,
            caCert = _issuer.CaPem,
            boundIssuer = _issuer.BaseUrl,
            boundAudiences = "coffer,other",
            boundSubject = "system:serviceaccount:prod:*",
            boundClaims = new Dictionary<string, string> { ["environment"] = "production" },
            claimMetadataMapping = new Dictionary<string, string> { ["env"] = "environment" },
            accessTokenTTL = 900,
        }, fx.AdminToken);
        Expect.Ok(r);
        return (identityId, r.Json["identityOidcAuth"]!.AsObject());
    }

    private Task<ApiResponse> LoginAsync(string identityId, string jwt) => fx.Api.PostAsync("/api/v1/auth/oidc-auth/login", new { identityId, jwt });

    [Fact]
    public async Task An_ID_token_logs_in_and_a_rotated_key_is_fetched_once()
    {
        var (identityId, config) = await ConfiguredAsync();
        Expect.Keys(config, ConfigKeys);
        Assert.Equal("coffer, other", config["boundAudiences"]!.GetValue<string>());
        Assert.Equal(_issuer.CaPem.Trim(), config["caCert"]!.GetValue<string>());
        var login = await LoginAsync(identityId, _issuer.Sign("k1", Claims()));
        Expect.Ok(login);
        Expect.Keys(login.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(900, login.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal(200, (await fx.Api.GetAsync("/api/v1/projects", login.Json["accessToken"]!.GetValue<string>())).Code);
        Expect.Ok(await LoginAsync(identityId, _issuer.Sign(null, Claims()))); // no kid: the provider's keys are tried
        var fetches = _issuer.JwksFetches;

        _issuer.Rotate("k2");
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(11));
        Expect.Ok(await LoginAsync(identityId, _issuer.Sign("k2", Claims())));
        Assert.Equal(fetches + 1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task Each_bound_field_and_the_issuer_refuse_a_token_that_does_not_match()
    {
        var (identityId, _) = await ConfiguredAsync();
        async Task Check(Action<JsonObject> change, int status, string error, string message)
        {
            var claims = Claims();
            change(claims);
            Expect.Error(await LoginAsync(identityId, _issuer.Sign("k1", claims)), status, error, message);
        }

        await Check(c => c["iss"] = "https://other.example.com", 401, "UnauthorizedError", $"Access denied: jwt issuer invalid. expected: {_issuer.BaseUrl}");
        await Check(c => c["sub"] = "system:serviceaccount:dev:api", 403, "ForbiddenError", "Access denied: OIDC subject not allowed.");
        await Check(c => c["aud"] = "someone-else", 401, "UnauthorizedError", "Access denied: OIDC audience not allowed.");
        await Check(c => c.Remove("environment"), 401, "UnauthorizedError", "Access denied: token has no environment field");
        await Check(c => c["environment"] = "staging", 401, "UnauthorizedError", "Access denied: OIDC claim not allowed.");
        await Check(c => c["exp"] = c["iat"]!.GetValue<long>() - 60, 401, "UnauthorizedError", "Access denied: jwt expired");
        Expect.Error(await LoginAsync(identityId, _issuer.Sign("unknown-kid", Claims())), 401, "UnauthorizedError",
            "Access denied: Unable to verify JWT signature. The signing key 'unknown-kid' was not found in the OIDC provider's JWKS endpoint. " +
            "This may indicate an invalid token or misconfigured OIDC provider.");
    }

    [Fact]
    public async Task A_discovery_endpoint_that_hangs_is_a_502_and_revocation_ends_tokens_and_logins()
    {
        var (hanging, _) = await ConfiguredAsync("/hang");
        Expect.Error(await LoginAsync(hanging, _issuer.Sign("k1", Claims())), 502, "BadGateway",
            $"Fetching the OIDC discovery document failed: {_issuer.BaseUrl}/hang/.well-known/openid-configuration did not answer within 5 seconds");

        var (identityId, _) = await ConfiguredAsync();
        var token = (await LoginAsync(identityId, _issuer.Sign("k1", Claims()))).Json["accessToken"]!.GetValue<string>();
        var revoked = await fx.Api.DeleteAsync($"/api/v1/auth/oidc-auth/identities/{identityId}", fx.AdminToken);
        Expect.Ok(revoked);
        Assert.False(revoked.Json["identityOidcAuth"]!.AsObject().ContainsKey("caCert"));
        Assert.Equal(401, (await fx.Api.GetAsync("/api/v1/projects", token)).Code);
        Expect.Error(await LoginAsync(identityId, _issuer.Sign("k1", Claims())), 404, "NotFound",
            "OIDC auth method not found for identity, did you configure OIDC auth?");
    }

    [Fact]
    public async Task Expired_not_yet_valid_unsigned_and_HMAC_tokens_are_refused()
    {
        var (identityId, _) = await ConfiguredAsync();
        async Task Refused(string jwt, string message) =>
            Expect.Error(await LoginAsync(identityId, jwt), 401, "UnauthorizedError", message);

        // Past the 30-second allowance for clock skew.
        var expired = Claims();
        expired["exp"] = expired["iat"]!.GetValue<long>() - 31;
        await Refused(_issuer.Sign("k1", expired), "Access denied: jwt expired");
        var early = Claims();
        early["nbf"] = early["iat"]!.GetValue<long>() + 120;
        await Refused(_issuer.Sign("k1", early), "Access denied: jwt not active");
        static string B64(JsonObject o) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(o.ToJsonString()));
        await Refused(B64(new JsonObject { ["alg"] = "none", ["kid"] = "k1" }) + "." + B64(Claims()) + ".", "Access denied: jwt signature is required");
        // HS256 keyed with public material: a verifier that trusted the header's alg would accept it.
        var input = B64(new JsonObject { ["alg"] = "HS256", ["kid"] = "k1" }) + "." + B64(Claims());
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_issuer.CaPem), Encoding.ASCII.GetBytes(input));
        await Refused(input + "." + Base64Url.EncodeToString(mac), "Access denied: invalid algorithm");
    }
}
