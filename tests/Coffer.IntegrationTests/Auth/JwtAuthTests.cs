using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// JWT auth with static public keys, as Infisical serves it: the configuration routes' shapes, a login with a JWT signed
/// by the identity's own issuer (RS256, PS256, ES256), each bound field failing with Infisical's answer, expired and
/// not-yet-valid tokens, algorithm confusion (<c>none</c>; HS256 keyed with the public key), and revocation.
/// </summary>
public sealed class JwtAuthTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] ConfigKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "createdAt", "updatedAt", "identityId",
        "configurationType", "jwksUrl", "boundIssuer", "boundAudiences", "boundClaims", "boundSubject", "jwksCaCert", "publicKeys",
    ];

    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private Api Api => fx.Api;

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string B64(JsonObject json) => B64(Encoding.UTF8.GetBytes(json.ToJsonString()));

    /// <summary>A JWT signed with the platform's RSA or ECDSA (or, for the confusion test, HMAC keyed with any bytes).</summary>
    private static string Sign(string alg, JsonObject claims, byte[]? hmacKey = null)
    {
        var input = B64(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" }) + "." + B64(claims);
        var data = Encoding.ASCII.GetBytes(input);
        var signature = alg switch
        {
            "RS256" => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "PS256" => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            "ES256" => Ec.SignData(data, HashAlgorithmName.SHA256),
            "HS256" => HMACSHA256.HashData(hmacKey!, data),
            _ => [],
        };
        return input + "." + B64(signature);
    }

    private JsonObject Claims(int expiresInSeconds = 300, int notBeforeOffset = 0)
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = "https://ci.example.com",
            ["sub"] = "repo:acme/api:ref:refs/heads/main",
            ["aud"] = new JsonArray("coffer", "other"),
            ["iat"] = now,
            ["nbf"] = now + notBeforeOffset,
            ["exp"] = now + expiresInSeconds,
            ["ref"] = "refs/heads/main",
            ["repository"] = new JsonObject { ["owner"] = "acme" },
        };
    }

    private async Task<string> ConfiguredIdentityAsync(object? bound = null)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var r = await Api.PostAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", bound ?? new
        {
            configurationType = "static",
            publicKeys = new[] { Rsa.ExportSubjectPublicKeyInfoPem(), Ec.ExportSubjectPublicKeyInfoPem() },
            boundIssuer = "https://ci.example.com",
            boundSubject = "repo:acme/*",
            boundAudiences = "coffer,third",
            boundClaims = new Dictionary<string, string> { ["ref"] = "refs/heads/main", ["repository.owner"] = "acme" },
            accessTokenTTL = 600,
        }, fx.AdminToken);
        Expect.Ok(r);
        return identityId;
    }

    private Task<ApiResponse> LoginAsync(string identityId, string jwt) =>
        Api.PostAsync("/api/v1/auth/jwt-auth/login", new { identityId, jwt });

    [Fact]
    public async Task Attach_shows_Infisicals_shape_and_RS256_PS256_and_ES256_tokens_log_in()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var attached = await Api.PostAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", new
        {
            configurationType = "static",
            publicKeys = new[] { Rsa.ExportSubjectPublicKeyInfoPem(), Ec.ExportSubjectPublicKeyInfoPem() },
            boundIssuer = "https://ci.example.com",
            boundSubject = "repo:acme/*",
            boundAudiences = "coffer,third",
            boundClaims = new Dictionary<string, string> { ["ref"] = "refs/heads/main,refs/heads/dev", ["repository.owner"] = "acme" },
            accessTokenTTL = 600,
        }, fx.AdminToken);
        Expect.Ok(attached);
        var config = attached.Json["identityJwtAuth"]!.AsObject();
        Expect.Keys(config, ConfigKeys);
        Assert.Equal("coffer, third", config["boundAudiences"]!.GetValue<string>());
        Assert.Equal("""{"ref":"refs/heads/main, refs/heads/dev","repository.owner":"acme"}""", config["boundClaims"]!.ToJsonString());
        Assert.Equal(["static", "", ""], new[] { "configurationType", "jwksUrl", "jwksCaCert" }.Select(k => config[k]!.GetValue<string>()));
        Assert.Equal(2, config["publicKeys"]!.AsArray().Count);
        var got = await Api.GetAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(config, got.Json["identityJwtAuth"]));
        var identity = await Api.GetAsync($"/api/v1/identities/{identityId}", fx.AdminToken);
        Assert.Contains("jwt-auth", identity.Json["identity"]!["identity"]!["authMethods"]!.AsArray().Select(m => m!.GetValue<string>()));

        foreach (var alg in new[] { "RS256", "PS256", "ES256" })
        {
            var r = await LoginAsync(identityId, Sign(alg, Claims()));
            Expect.Ok(r);
            Expect.Keys(r.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
            Assert.Equal(600, r.Json["expiresIn"]!.GetValue<long>());
            Assert.Equal(200, (await Api.GetAsync("/api/v1/projects", r.Json["accessToken"]!.GetValue<string>())).Code);
        }
    }

    [Fact]
    public async Task Expired_not_yet_valid_badly_signed_and_confused_tokens_are_refused_with_jsonwebtokens_reasons()
    {
        var identityId = await ConfiguredIdentityAsync();
        const string Prefix = "Access denied: JWT verification failed with all keys. Errors - ";
        async Task Refused(string jwt, string reasons) =>
            Expect.Error(await LoginAsync(identityId, jwt), 401, "UnauthorizedError", Prefix + reasons);

        // Past the 30-second allowance for clock skew, not within it.
        await Refused(Sign("RS256", Claims(expiresInSeconds: -31)), "jwt expired; invalid algorithm");
        Expect.Ok(await LoginAsync(identityId, Sign("RS256", Claims(expiresInSeconds: -5))));
        await Refused(Sign("ES256", Claims(notBeforeOffset: 120)), "invalid algorithm; jwt not active");
        using (var stranger = RSA.Create(2048))
        {
            var claims = Claims();
            var input = B64(new JsonObject { ["alg"] = "RS256" }) + "." + B64(claims);
            var forged = input + "." + B64(stranger.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            await Refused(forged, "invalid signature; invalid algorithm");
        }
        await Refused(B64(new JsonObject { ["alg"] = "none" }) + "." + B64(Claims()) + ".", "jwt signature is required; jwt signature is required");
        // HS256 keyed with the public key's text: a verifier that trusted the header's alg would accept it.
        await Refused(Sign("HS256", Claims(), Encoding.UTF8.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem())), "invalid algorithm; invalid algorithm");
        Expect.Error(await LoginAsync(identityId, "not-a-jwt"), 401, "UnauthorizedError", "Invalid JWT");
    }

    [Fact]
    public async Task Each_bound_field_refuses_a_token_that_does_not_match_with_Infisicals_answer()
    {
        var identityId = await ConfiguredIdentityAsync();
        async Task Check(Action<JsonObject> change, int status, string error, string message)
        {
            var claims = Claims();
            change(claims);
            Expect.Error(await LoginAsync(identityId, Sign("ES256", claims)), status, error, message);
        }

        await Check(c => c["iss"] = "https://evil.example.com", 403, "ForbiddenError", "Access denied: issuer mismatch");
        await Check(c => c.Remove("sub"), 401, "UnauthorizedError", "Access denied: token has no subject field");
        await Check(c => c["sub"] = "repo:other/api", 403, "ForbiddenError", "Access denied: subject not allowed");
        await Check(c => c.Remove("aud"), 401, "UnauthorizedError", "Access denied: token has no audience field");
        await Check(c => c["aud"] = "someone-else", 401, "UnauthorizedError", "Access denied: token audience not allowed");
        await Check(c => c.Remove("ref"), 401, "UnauthorizedError", "Access denied: token has no ref field");
        await Check(c => c["ref"] = "refs/heads/feature", 401, "UnauthorizedError", "Access denied: claim mismatch for field ref");
        await Check(c => c["repository"] = new JsonObject { ["owner"] = "evil" }, 401, "UnauthorizedError",
            "Access denied: claim mismatch for field repository.owner");
        // Any listed audience will do, and a single audience may be a string.
        var third = Claims();
        third["aud"] = "third";
        Expect.Ok(await LoginAsync(identityId, Sign("ES256", third)));
    }

    [Fact]
    public async Task Revoking_JWT_auth_ends_its_tokens_at_the_next_request_and_further_logins()
    {
        var identityId = await ConfiguredIdentityAsync();
        var token = (await LoginAsync(identityId, Sign("RS256", Claims()))).Json["accessToken"]!.GetValue<string>();
        Assert.Equal(200, (await Api.GetAsync("/api/v1/projects", token)).Code);

        var revoked = await Api.DeleteAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", fx.AdminToken);
        Expect.Ok(revoked);
        Assert.False(revoked.Json["identityJwtAuth"]!.AsObject().ContainsKey("publicKeys"));
        Assert.Equal(401, (await Api.GetAsync("/api/v1/projects", token)).Code);
        Expect.Error(await LoginAsync(identityId, Sign("RS256", Claims())), 404, "NotFound",
            "JWT auth method not found for identity, did you configure JWT auth?");
    }

    [Fact]
    public async Task Bad_configurations_are_refused()
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/jwt-auth/identities/{identityId}";
        Expect.Validation(await Api.PostAsync(path, new { configurationType = "static", publicKeys = new[] { "not a key" }, boundClaims = new { } },
                fx.AdminToken),
            new JsonObject
            {
                ["code"] = "custom",
                ["message"] = "Not a PEM public key (SPKI) or certificate with an RSA or EC key",
                ["path"] = new JsonArray("publicKeys", 0),
            });
        // A server as shipped does not fetch keys from private or loopback addresses (here, its own machine).
        Expect.Error(await Api.PostAsync(path, new { configurationType = "jwks", jwksUrl = "https://127.0.0.1:8443/jwks", boundClaims = new { } },
                fx.AdminToken),
            400, "BadRequest",
            "Private IP addresses (127.0.0.1) are not allowed. If you are self-hosting, you can allow private IP addresses by setting the " +
            "'ALLOW_INTERNAL_IP_CONNECTIONS' environment variable to 'true' on your instance.");
        Expect.Error(await Api.PostAsync(path, new
        {
            configurationType = "static",
            publicKeys = new[] { Ec.ExportSubjectPublicKeyInfoPem() },
            boundClaims = new { },
            accessTokenTTL = 7200,
            accessTokenMaxTTL = 3600,
        }, fx.AdminToken),
            400, "BadRequest", "Access token TTL cannot be greater than max TTL");
    }
}
