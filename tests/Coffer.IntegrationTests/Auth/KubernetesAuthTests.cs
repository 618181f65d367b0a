using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// Kubernetes auth against a protocol-faithful TokenReview server (no cluster runs here): a pod's service-account token
/// logs in when the API server vouches for it and its namespace, name and audience are allowed; the stored reviewer
/// JWT (or, without one, the pod's own token) authorizes the review; refusals in Infisical's words; a hanging API
/// server is a 502 in bounded time; the reviewer JWT is never shown and never stored in the clear.
/// </summary>
public sealed class KubernetesAuthTests(InternalConnectionsServer fx) : IClassFixture<InternalConnectionsServer>, IAsyncLifetime
{
    private static readonly string[] ConfigKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "createdAt", "updatedAt", "tokenReviewMode",
        "identityId", "kubernetesHost", "allowedNamespaces", "allowedNames", "allowedAudience", "gatewayId", "caCert", "tokenReviewerJwt",
    ];

    private TestKubernetesApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await TestKubernetesApi.StartAsync();

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    private async Task<string> ConfiguredAsync(string? reviewer, string audience = "coffer")
    {
        var identityId = await fx.Given.IdentityAsync("member");
        var r = await fx.Api.PostAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", new
        {
            kubernetesHost = _api.Host,
            caCert = _api.CaPem,
            tokenReviewerJwt = reviewer,
            allowedNamespaces = "prod, staging-*",
            allowedNames = "api,worker",
            allowedAudience = audience,
            accessTokenTTL = 1200,
        }, fx.AdminToken);
        Expect.Ok(r);
        var config = r.Json["identityKubernetesAuth"]!.AsObject();
        Expect.Keys(config, ConfigKeys);
        Assert.Null(config["tokenReviewerJwt"]);
        return identityId;
    }

    private Task<ApiResponse> LoginAsync(string identityId, string jwt) =>
        fx.Api.PostAsync("/api/v1/auth/kubernetes-auth/login", new { identityId, jwt });

    [Fact]
    public async Task A_pod_logs_in_with_the_reviewer_JWT_authorizing_the_review_and_the_JWT_is_kept_sealed()
    {
        var reviewer = _api.ReviewerToken();
        var identityId = await ConfiguredAsync(reviewer);
        var login = await LoginAsync(identityId, _api.Token("system:serviceaccount:staging-eu:worker", "coffer"));
        Expect.Ok(login);
        Expect.Keys(login.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(1200, login.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal(200, (await fx.Api.GetAsync("/api/v1/projects", login.Json["accessToken"]!.GetValue<string>())).Code);
        Assert.Equal($"Bearer {reviewer}", _api.BearersSeen[^1]);
        var shown = await fx.Api.GetAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", fx.AdminToken);
        Assert.Null(shown.Json["identityKubernetesAuth"]!["tokenReviewerJwt"]);
        Assert.DoesNotContain(reviewer, shown.RawBody, StringComparison.Ordinal);
        await DatabaseBytes.AssertAbsentAsync(fx.Server, reviewer);
    }

    [Fact]
    public async Task Without_a_reviewer_JWT_the_pods_own_token_authorizes_its_review()
    {
        var identityId = await ConfiguredAsync(reviewer: null);
        var token = _api.Token("system:serviceaccount:prod:api", "coffer");
        Expect.Ok(await LoginAsync(identityId, token));
        Assert.Equal($"Bearer {token}", _api.BearersSeen[^1]);
    }

    [Fact]
    public async Task Refusals_say_why_in_Infisicals_words()
    {
        var identityId = await ConfiguredAsync(_api.ReviewerToken());
        Expect.Error(await LoginAsync(identityId, "not-a-token-the-cluster-knows"), 401, "UnauthorizedError", "Kubernetes token not authenticated");
        Expect.Error(await LoginAsync(identityId, _api.Token("system:serviceaccount:dev:api", "coffer")), 401, "UnauthorizedError",
            "Access denied: K8s namespace not allowed.");
        Expect.Error(await LoginAsync(identityId, _api.Token("system:serviceaccount:prod:db", "coffer")), 401, "UnauthorizedError",
            "Access denied: K8s name not allowed.");
        Expect.Error(await LoginAsync(identityId, _api.Token("system:serviceaccount:prod:api", "someone-else")), 401, "UnauthorizedError",
            "[invalid bearer token, token audiences are invalid]");
        // A user's or a node's token the cluster vouches for is still not a workload's.
        Expect.Error(await LoginAsync(identityId, _api.Token("system:node:worker-1", "coffer")), 401, "UnauthorizedError",
            "Access denied: the reviewed token is not a service account's");
        Expect.Error(await LoginAsync("00000000-0000-0000-0000-000000000000", "x"), 404, "NotFound",
            "Kubernetes auth method not found for identity, did you configure Kubernetes auth?");
    }

    [Fact]
    public async Task A_reviewer_the_API_server_refuses_and_an_API_server_that_hangs_are_502s_naming_the_step()
    {
        var identityId = await ConfiguredAsync("reviewer-the-cluster-does-not-know");
        Expect.Error(await LoginAsync(identityId, _api.Token("system:serviceaccount:prod:api", "coffer")), 502, "BadGateway",
            $"Reviewing the token with the Kubernetes API server failed: {_api.Host} answered 401");

        _api.Hang = true;
        var hanging = await ConfiguredAsync(_api.ReviewerToken());
        Expect.Error(await LoginAsync(hanging, _api.Token("system:serviceaccount:prod:api", "coffer")), 502, "BadGateway",
            $"Reviewing the token with the Kubernetes API server failed: {_api.Host}/apis/authentication.k8s.io/v1/tokenreviews did not answer within 5 seconds");
    }

    [Fact]
    public async Task Moving_the_host_needs_the_reviewer_JWT_again_and_revocation_ends_tokens()
    {
        var identityId = await ConfiguredAsync(_api.ReviewerToken());
        Expect.Error(await fx.Api.PatchAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", new { kubernetesHost = "https://127.0.0.1:6443" },
                fx.AdminToken),
            400, "BadRequest", "Changing the Kubernetes host requires the token reviewer JWT to be given again");
        var token = (await LoginAsync(identityId, _api.Token("system:serviceaccount:prod:api", "coffer"))).Json["accessToken"]!.GetValue<string>();
        Expect.Ok(await fx.Api.DeleteAsync($"/api/v1/auth/kubernetes-auth/identities/{identityId}", fx.AdminToken));
        Assert.Equal(401, (await fx.Api.GetAsync("/api/v1/projects", token)).Code);
    }
}
