using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// A token from a proof-based login (JWT, OIDC, Kubernetes, AWS, LDAP) keeps the same rules as universal auth's: its
/// method's access-token trusted IPs are checked on every request — narrowing them blocks tokens already issued, on
/// the next request — and its use limit holds.
/// </summary>
public sealed class ProofLoginTokenRulesTests(InternalConnectionsServer fx, TestLdap ldap)
    : IClassFixture<InternalConnectionsServer>, IClassFixture<TestLdap>, IAsyncLifetime
{
    private ProofProviders _providers = null!;

    private TestIssuer Issuer => _providers.Issuer;

    private TestKubernetesApi Kubernetes => _providers.Kubernetes;

    private TestSts Sts => _providers.Sts;

    public async ValueTask InitializeAsync() => _providers = await ProofProviders.StartAsync();

    public async ValueTask DisposeAsync() => await _providers.DisposeAsync();

    public static TheoryData<string> Methods => ["jwt-auth", "oidc-auth", "kubernetes-auth", "aws-auth", "ldap-auth"];

    /// <summary>The method's configuration (with <paramref name="extra"/> merged in) that the login below satisfies.</summary>
    private JsonObject Configuration(string method, JsonObject extra)
    {
        var config = method switch
        {
            "jwt-auth" => new JsonObject
            {
                ["configurationType"] = "jwks",
                ["jwksUrl"] = Issuer.BaseUrl + "/jwks",
                ["jwksCaCert"] = Issuer.CaPem,
                ["boundIssuer"] = Issuer.BaseUrl,
                ["boundClaims"] = new JsonObject(),
            },
            "oidc-auth" => new JsonObject
            {
                ["oidcDiscoveryUrl"] = Issuer.BaseUrl,
                ["caCert"] = Issuer.CaPem,
                ["boundIssuer"] = Issuer.BaseUrl,
                ["boundClaims"] = new JsonObject(),
            },
            "kubernetes-auth" => new JsonObject
            {
                ["kubernetesHost"] = Kubernetes.Host,
                ["caCert"] = Kubernetes.CaPem,
                ["tokenReviewerJwt"] = Kubernetes.ReviewerToken(),
            },
            "aws-auth" => new JsonObject { ["stsEndpoint"] = Sts.Endpoint, ["allowedAccountIds"] = "123456789012" },
            _ => new JsonObject
            {
                ["url"] = ldap.Url,
                ["bindDN"] = TestLdap.ReaderDn,
                ["bindPass"] = TestLdap.Password,
                ["searchBase"] = TestLdap.SearchBase,
            },
        };
        foreach (var (k, v) in extra) config[k] = v?.DeepClone();
        return config;
    }

    private async Task<string> LoginAsync(string method, string identityId)
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject { ["iss"] = Issuer.BaseUrl, ["sub"] = "ci", ["aud"] = "coffer", ["iat"] = now, ["exp"] = now + 300 };
        object body = method switch
        {
            "jwt-auth" or "oidc-auth" => new { identityId, jwt = Issuer.Sign("k1", claims) },
            "kubernetes-auth" => new { identityId, jwt = Kubernetes.Token("system:serviceaccount:prod:api") },
            "aws-auth" => AwsLogin(identityId),
            _ => new { identityId, username = "alice", password = TestLdap.PasswordOf("alice") },
        };
        var r = await fx.Api.PostAsync($"/api/v1/auth/{method}/login", body);
        Expect.Ok(r);
        return r.Json["accessToken"]!.GetValue<string>();
    }

    private object AwsLogin(string identityId)
    {
        var (key, secret) = Sts.Credentials("arn:aws:iam::123456789012:role/ci", "123456789012");
        return TestSts.LoginFields(identityId, key, secret, "us-east-1");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Narrowing_the_methods_trusted_IPs_blocks_its_issued_tokens_on_the_next_request(string method)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var path = $"/api/v1/auth/{method}/identities/{identityId}";
        Expect.Ok(await fx.Api.PostAsync(path, Configuration(method, []), fx.AdminToken));
        var token = await LoginAsync(method, identityId);
        Expect.Ok(await fx.Api.GetAsync("/api/v1/projects", token));

        var narrowed = new JsonObject { ["accessTokenTrustedIps"] = new JsonArray(new JsonObject { ["ipAddress"] = "10.0.0.0/24" }) };
        // JWT auth's update restates its configuration type and source, as Infisical's schema requires; the others change one field.
        Expect.Ok(await fx.Api.PatchAsync(path, method == "jwt-auth" ? Configuration(method, narrowed) : narrowed, fx.AdminToken));
        Expect.Error(await fx.Api.GetAsync("/api/v1/projects", token), 403, "ForbiddenError",
            "You are not allowed to access this resource from the current IP address");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task The_methods_use_limit_holds(string method)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/{method}/identities/{identityId}",
            Configuration(method, new JsonObject { ["accessTokenNumUsesLimit"] = 2 }), fx.AdminToken));
        var token = await LoginAsync(method, identityId);
        Expect.Ok(await fx.Api.GetAsync("/api/v1/projects", token));
        Expect.Ok(await fx.Api.GetAsync("/api/v1/projects", token));
        Assert.Equal(401, (await fx.Api.GetAsync("/api/v1/projects", token)).Code);
    }
}
