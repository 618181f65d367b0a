using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// The Go CLI's <c>infisical login --method=oidc-auth|jwt-auth|kubernetes|ldap-auth</c> (and the agent and operator,
/// through the same go-sdk) as it sends them: the go-sdk's request structs marshalled by Go, in their field order, with
/// <c>organizationSlug</c> always present — an empty string when no organization was chosen — and the answer decoded
/// into its <c>MachineIdentityAuthLoginResponse</c> (<c>accessToken</c>, <c>expiresIn</c>, <c>accessTokenMaxTTL</c>,
/// <c>tokenType</c>).
/// </summary>
public sealed class GoCliLoginReplayTests(InternalConnectionsServer fx, TestLdap ldap)
    : IClassFixture<InternalConnectionsServer>, IClassFixture<TestLdap>, IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private TestKubernetesApi _kubernetes = null!;

    public async ValueTask InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _kubernetes = await TestKubernetesApi.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _issuer.DisposeAsync();
        await _kubernetes.DisposeAsync();
    }

    public static TheoryData<string> OrganizationSlugs => ["", "coffer"];

    private JsonObject Claims()
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject { ["iss"] = _issuer.BaseUrl, ["sub"] = "ci-runner", ["aud"] = "coffer", ["iat"] = now, ["exp"] = now + 300 };
    }

    /// <summary>Sends the body as the go-sdk does and checks the four fields it decodes.</summary>
    private async Task AssertLogsInAsync(string method, JsonObject body, long expiresIn)
    {
        var r = await fx.Api.PostAsync($"/api/v1/auth/{method}/login", body);
        Expect.Ok(r);
        Expect.Keys(r.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(expiresIn, r.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal("Bearer", r.Json["tokenType"]!.GetValue<string>());
        Assert.Equal(200, (await fx.Api.GetAsync("/api/v1/projects", r.Json["accessToken"]!.GetValue<string>())).Code);
    }

    [Theory]
    [MemberData(nameof(OrganizationSlugs))]
    public async Task Oidc_auth(string organizationSlug)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/oidc-auth/identities/{identityId}", new
        {
            oidcDiscoveryUrl = _issuer.BaseUrl,
            caCert = _issuer.CaPem,
            boundIssuer = _issuer.BaseUrl,
            boundAudiences = "coffer",
            boundClaims = new { },
            accessTokenTTL = 700,
        }, fx.AdminToken));
        await AssertLogsInAsync("oidc-auth",
            new JsonObject { ["identityId"] = identityId, ["jwt"] = _issuer.Sign("k1", Claims()), ["organizationSlug"] = organizationSlug }, 700);
    }

    [Theory]
    [MemberData(nameof(OrganizationSlugs))]
    public async Task Jwt_auth(string organizationSlug)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/jwt-auth/identities/{identityId}", new
        {
            configurationType = "jwks",
            jwksUrl = _issuer.BaseUrl + "/jwks",
            jwksCaCert = _issuer.CaPem,
            boundIssuer = _issuer.BaseUrl,
            boundAudiences = "coffer",
            boundSubject = "ci-*",
            boundClaims = new { },
            accessTokenTTL = 800,
        }, fx.AdminToken));
        await AssertLogsInAsync("jwt-auth",
            new JsonObject { ["identityId"] = identityId, ["jwt"] = _issuer.Sign("k1", Claims()), ["organizationSlug"] = organizationSlug }, 800);
    }

    [Theory]
    [MemberData(nameof(OrganizationSlugs))]
    public async Task Kubernetes_auth(string organizationSlug)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", new
        {
            kubernetesHost = _kubernetes.Host,
            caCert = _kubernetes.CaPem,
            tokenReviewerJwt = _kubernetes.ReviewerToken(),
            allowedNamespaces = "prod",
            accessTokenTTL = 900,
        }, fx.AdminToken));
        // The CLI reads the pod's token from its service-account token path and sends it as jwt.
        var token = _kubernetes.Token("system:serviceaccount:prod:api");
        await AssertLogsInAsync("kubernetes-auth",
            new JsonObject { ["identityId"] = identityId, ["jwt"] = token, ["organizationSlug"] = organizationSlug }, 900);
    }

    [Theory]
    [MemberData(nameof(OrganizationSlugs))]
    public async Task Ldap_auth(string organizationSlug)
    {
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/auth/ldap-auth/identities/{identityId}", new
        {
            url = ldap.Url,
            bindDN = TestLdap.ReaderDn,
            bindPass = TestLdap.Password,
            searchBase = TestLdap.SearchBase,
            accessTokenTTL = 1000,
        }, fx.AdminToken));
        await AssertLogsInAsync("ldap-auth", new JsonObject
        {
            ["identityId"] = identityId,
            ["username"] = "alice",
            ["password"] = TestLdap.PasswordOf("alice"),
            ["organizationSlug"] = organizationSlug,
        }, 1000);
    }
}
