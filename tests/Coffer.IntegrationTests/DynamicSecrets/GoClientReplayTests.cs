using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// The dynamic-secret calls of Infisical's Go clients, replayed as they send them (read from their source): the go-sdk
/// that the CLI (<c>infisical dynamic-secrets …</c>) and the Kubernetes operator's <c>InfisicalDynamicSecret</c> use —
/// an empty <c>ttl</c> when none is set, <c>isForced</c> on a renewal — the CLI's own lease read (its path as
/// <c>secretPath</c>), and the operator's reading of renewal errors, which decides whether it takes a new lease.
/// </summary>
public sealed class GoClientReplayTests(DynamicSecretServer fx, TargetRedis redis) : IClassFixture<DynamicSecretServer>, IClassFixture<TargetRedis>
{
    [Fact]
    public async Task The_go_sdk_and_operator_calls_list_read_lease_renew_and_revoke_as_those_clients_expect()
    {
        var api = fx.Api;
        var token = fx.AdminToken;
        var project = await fx.Given.TestProjectAsync();
        var slug = project.Slug;
        Expect.Ok(await api.PostAsync("/api/v1/dynamic-secrets", new
        {
            projectSlug = slug,
            environmentSlug = "dev",
            path = "/",
            name = "cache",
            defaultTTL = "1h",
            maxTTL = "2h",
            provider = new { type = "redis", inputs = new { host = "127.0.0.1", port = redis.Port, username = "default", password = TargetPostgres.RootPassword } },
        }, token));

        // go-sdk ListDynamicSecretsV1 and GetDynamicSecretByNameV1: query projectSlug, environmentSlug, path.
        var list = await api.GetAsync($"/api/v1/dynamic-secrets?projectSlug={slug}&environmentSlug=dev&path=/", token);
        Expect.Ok(list);
        Assert.Equal("cache", Assert.Single(list.Json["dynamicSecrets"]!.AsArray())!["name"]!.GetValue<string>());
        Expect.Ok(await api.GetAsync($"/api/v1/dynamic-secrets/cache?projectSlug={slug}&environmentSlug=dev&path=/", token));

        // CreateDynamicSecretLeaseV1Request has no omitempty: an unset TTL arrives as "" and means the default.
        var created = await api.PostAsync("/api/v1/dynamic-secrets/leases",
            new { dynamicSecretName = "cache", projectSlug = slug, ttl = "", path = "/", environmentSlug = "dev" }, token);
        Expect.Ok(created);
        var lease = created.Json["lease"]!;
        var leaseId = lease["id"]!.GetValue<string>();
        Assert.Equal(1, lease["version"]!.GetValue<int>());
        var expireAt = DateTimeOffset.Parse(lease["expireAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(1),
            expireAt - DateTimeOffset.Parse(lease["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(created.Json["data"]!["DB_USERNAME"]);

        // The CLI's own CallGetDynamicSecretLeaseV1 sends the folder as secretPath (which Infisical ignores: path stays "/").
        Expect.Ok(await api.GetAsync($"/api/v1/dynamic-secrets/leases/{leaseId}?environmentSlug=dev&projectSlug={slug}&secretPath=/", token));
        var leases = await api.GetAsync($"/api/v1/dynamic-secrets/cache/leases?projectSlug={slug}&environmentSlug=dev&path=/", token);
        Assert.Equal(leaseId, Assert.Single(leases.Json["leases"]!.AsArray())!["id"]!.GetValue<string>());

        // RenewDynamicSecretLeaseV1Request: leaseId and isForced ride along; "" means the default TTL (1h, up to the 2h maximum).
        var renewBody = new { leaseId, ttl = "", projectSlug = slug, path = "/", environmentSlug = "dev", isForced = false };
        var renewed = await api.PostAsync($"/api/v1/dynamic-secrets/leases/{leaseId}/renew", renewBody, token);
        Expect.Ok(renewed);
        Assert.Equal(2, renewed.Json["lease"]!["version"]!.GetValue<int>());
        // The operator takes a new lease when a renewal's error says "TTL cannot be larger than max ttl" …
        var beyond = await api.PostAsync($"/api/v1/dynamic-secrets/leases/{leaseId}/renew", renewBody, token);
        Assert.Equal(400, beyond.Code);
        Assert.Contains("TTL cannot be larger than max ttl", beyond.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var revoked = await api.DeleteAsync($"/api/v1/dynamic-secrets/leases/{leaseId}", token,
            new { leaseId, projectSlug = slug, path = "/", environmentSlug = "dev", isForced = false });
        Expect.Ok(revoked);
        // … or "Dynamic secret lease with ID" (the lease is gone).
        var gone = await api.PostAsync($"/api/v1/dynamic-secrets/leases/{leaseId}/renew", renewBody, token);
        Expect.Error(gone, 404, "NotFound", $"Dynamic secret lease with ID '{leaseId}' not found");
    }
}
