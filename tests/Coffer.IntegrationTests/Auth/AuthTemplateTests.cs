using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// Permission templates that read what a login proved (<c>{{identity.auth.…}}</c>, as Infisical renders them): an OIDC
/// token's mapped claims, a Kubernetes service account, an AWS principal, and the token's identity and auth method.
/// Each token is scoped by its own login — two tokens of one identity see different rows — renewal keeps what was
/// proved, a value is pasted into a glob literally, and a token whose login proved nothing renders the placeholder empty.
/// </summary>
public sealed class AuthTemplateTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private ProofProviders _providers = null!;

    private TestIssuer Issuer => _providers.Issuer;

    private TestKubernetesApi Kubernetes => _providers.Kubernetes;

    private TestSts Sts => _providers.Sts;

    public async ValueTask InitializeAsync() => _providers = await ProofProviders.StartAsync();

    public async ValueTask DisposeAsync() => await _providers.DisposeAsync();

    private Api Api => fx.Api;

    /// <summary>A project with one secret in each of <paramref name="paths"/>, and a role reading secrets under <paramref name="glob"/>.</summary>
    private async Task<string> ProjectAsync(string glob, params string[] paths)
    {
        var p = await fx.Given.TestProjectAsync();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var folder = "";
            foreach (var segment in path.Trim('/').Split('/'))
                if (folders.Add(folder += "/" + segment))
                    await Secrets.SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, folder);
            await Secrets.SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, KeyOf(path), "v", path: path);
        }
        await fx.Given.RoleAsync(p.Id, "by-login", [new
        {
            subject = "secrets",
            action = new[] { "describeSecret", "readValue" },
            conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = glob } },
        }]);
        return p.Id;
    }

    private static string KeyOf(string path) => "K_" + path.Trim('/').Replace('/', '_').Replace('-', '_').ToUpperInvariant();

    private async Task<string[]> VisibleAsync(string projectId, string token)
    {
        var r = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&recursive=true", token);
        Expect.Ok(r);
        return [.. r.Json["secrets"]!.AsArray().Select(s => s!["secretKey"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private JsonObject OidcClaims(JsonNode team)
    {
        var now = fx.Server.Clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject { ["iss"] = Issuer.BaseUrl, ["sub"] = "ci", ["aud"] = "coffer", ["iat"] = now, ["exp"] = now + 300, ["team"] = team };
    }

    private async Task<string> OidcLoginAsync(string identityId, JsonNode team)
    {
        var login = await Api.PostAsync("/api/v1/auth/oidc-auth/login", new { identityId, jwt = Issuer.Sign("k1", OidcClaims(team)) });
        Expect.Ok(login);
        return login.Json["accessToken"]!.GetValue<string>();
    }

    [Fact]
    public async Task OIDC_claims_scope_each_token_by_its_own_login_and_renewal_keeps_them()
    {
        var projectId = await ProjectAsync("/{{identity.auth.oidc.claims.team}}/**", "/alpha", "/beta", "/7");
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/oidc-auth/identities/{identityId}", new
        {
            oidcDiscoveryUrl = Issuer.BaseUrl,
            caCert = Issuer.CaPem,
            boundIssuer = Issuer.BaseUrl,
            boundClaims = new Dictionary<string, string>(),
            claimMetadataMapping = new Dictionary<string, string> { ["team"] = "team" },
        }, fx.AdminToken));
        await fx.Given.MemberAsync(projectId, identityId, "by-login");

        var alpha = await OidcLoginAsync(identityId, "alpha");
        var beta = await OidcLoginAsync(identityId, "beta");
        Assert.Equal(["K_ALPHA"], await VisibleAsync(projectId, alpha));
        Assert.Equal(["K_BETA"], await VisibleAsync(projectId, beta));
        Assert.Equal(["K_ALPHA"], await VisibleAsync(projectId, alpha)); // not the set cached for the other token
        Assert.Equal(["K_7"], await VisibleAsync(projectId, await OidcLoginAsync(identityId, 7))); // a number, as JavaScript's String() gives it

        // A claim is pasted into the glob literally, and cannot widen it.
        Assert.Empty(await VisibleAsync(projectId, await OidcLoginAsync(identityId, "*")));

        // A renewed token is the same login.
        var renewed = await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = alpha });
        Expect.Ok(renewed);
        Assert.Equal(["K_ALPHA"], await VisibleAsync(projectId, renewed.Json["accessToken"]!.GetValue<string>()));

        // A login that proved no claims renders the placeholder empty ("//**" matches nothing).
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(identityId);
        Assert.Empty(await VisibleAsync(projectId, await fx.Given.LoginAsync(clientId, secret)));
    }

    [Fact]
    public async Task A_Kubernetes_service_account_and_the_tokens_identity_and_method_scope_what_it_reads()
    {
        var projectId = await ProjectAsync(
            "/{{identity.auth.kubernetes.namespace}}/{{identity.auth.kubernetes.name}}/**", "/prod/api", "/prod/worker", "/staging/api");
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", new
        {
            kubernetesHost = Kubernetes.Host,
            caCert = Kubernetes.CaPem,
            tokenReviewerJwt = Kubernetes.ReviewerToken(),
            allowedNamespaces = "prod, staging",
            allowedAudience = "coffer",
        }, fx.AdminToken));
        await fx.Given.MemberAsync(projectId, identityId, "by-login");

        async Task<string> LoginAsync(string serviceAccount)
        {
            var login = await Api.PostAsync("/api/v1/auth/kubernetes-auth/login",
                new { identityId, jwt = Kubernetes.Token(serviceAccount, "coffer") });
            Expect.Ok(login);
            return login.Json["accessToken"]!.GetValue<string>();
        }

        Assert.Equal(["K_PROD_API"], await VisibleAsync(projectId, await LoginAsync("system:serviceaccount:prod:api")));
        Assert.Equal(["K_PROD_WORKER"], await VisibleAsync(projectId, await LoginAsync("system:serviceaccount:prod:worker")));
        Assert.Equal(["K_STAGING_API"], await VisibleAsync(projectId, await LoginAsync("system:serviceaccount:staging:api")));

        // Renaming itself changes nothing its token renders in this project: no widening, so allowed.
        var token = await LoginAsync("system:serviceaccount:prod:api");
        var name = "reader-" + Guid.NewGuid().ToString("N")[..8];
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{identityId}", new { name }, token));
        Assert.Equal(["K_PROD_API"], await VisibleAsync(projectId, token));

        // The token's auth method and identity, beside what the login proved.
        var byMethod = await ProjectAsync("/{{identity.auth.authMethod}}/{{identity.auth.identityName}}-{{identity.auth.identityId}}/**",
            $"/kubernetes-auth/{name}-{identityId}", $"/kubernetes-auth/other-{identityId}", $"/universal-auth/{name}-{identityId}");
        await fx.Given.MemberAsync(byMethod, identityId, "by-login");
        Assert.Equal([KeyOf($"/kubernetes-auth/{name}-{identityId}")], await VisibleAsync(byMethod, token));

        // Renaming itself would move what its own token renders onto another folder: the boundary compares it so.
        var before = await DbSnapshot.TakeAsync(fx.Server, "auth_lockouts", "rate_limit_counters", "rate_limits");
        Expect.Error(await Api.PatchAsync($"/api/v1/identities/{identityId}", new { name = "other" }, token), 403, "PermissionBoundaryError",
            "Failed to update identity. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, "auth_lockouts", "rate_limit_counters", "rate_limits"), "a refused rename changed the database");
        Assert.Equal([KeyOf($"/kubernetes-auth/{name}-{identityId}")], await VisibleAsync(byMethod, token));
    }

    [Fact]
    public async Task An_AWS_principal_scopes_what_it_reads_an_assumed_role_counting_as_its_role()
    {
        var projectId = await ProjectAsync(
            "/{{identity.auth.aws.accountId}}/{{identity.auth.aws.resourceType}}-{{identity.auth.aws.resourceName}}/**",
            "/123456789012/role-ci-deploy", "/123456789012/role-ci-test", "/123456789012/user-ci-deploy");
        var identityId = await fx.Given.IdentityAsync("member");
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/aws-auth/identities/{identityId}",
            new { stsEndpoint = Sts.Endpoint, allowedPrincipalArns = "", allowedAccountIds = "123456789012" }, fx.AdminToken));
        await fx.Given.MemberAsync(projectId, identityId, "by-login");

        async Task<string> LoginAsync(string arn)
        {
            var (key, secret) = Sts.Credentials(arn, "123456789012");
            var login = await Api.PostAsync("/api/v1/auth/aws-auth/login", TestSts.LoginFields(identityId, key, secret, "eu-west-1"));
            Expect.Ok(login);
            return login.Json["accessToken"]!.GetValue<string>();
        }

        Assert.Equal(["K_123456789012_ROLE_CI_DEPLOY"],
            await VisibleAsync(projectId, await LoginAsync("arn:aws:sts::123456789012:assumed-role/ci-deploy/session-1")));
        Assert.Equal(["K_123456789012_ROLE_CI_TEST"], await VisibleAsync(projectId, await LoginAsync("arn:aws:iam::123456789012:role/ci-test")));
        Assert.Equal(["K_123456789012_USER_CI_DEPLOY"], await VisibleAsync(projectId, await LoginAsync("arn:aws:iam::123456789012:user/ci-deploy")));
    }
}
