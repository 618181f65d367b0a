using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class UniversalAuthTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static readonly string[] UaKeys =
    [
        "id", "clientId", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "clientSecretTrustedIps",
        "accessTokenTrustedIps", "createdAt", "updatedAt", "identityId", "accessTokenPeriod", "lockoutEnabled", "lockoutThreshold",
        "lockoutDurationSeconds", "lockoutCounterResetSeconds",
    ];

    [Fact]
    public async Task Attach_with_empty_body_applies_infisical_defaults()
    {
        var id = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}", new { }, fx.AdminToken);
        Expect.Ok(r);
        var ua = r.Json["identityUniversalAuth"]!.AsObject();
        Expect.Keys(ua, UaKeys);
        Assert.True(Guid.TryParse(ua["clientId"]!.GetValue<string>(), out _));
        Assert.Equal(2592000, ua["accessTokenTTL"]!.GetValue<long>());
        Assert.Equal(2592000, ua["accessTokenMaxTTL"]!.GetValue<long>());
        Assert.Equal(0, ua["accessTokenNumUsesLimit"]!.GetValue<long>());
        Assert.True(ua["lockoutEnabled"]!.GetValue<bool>());
        Assert.Equal(3, ua["lockoutThreshold"]!.GetValue<long>());
        Assert.Equal(300, ua["lockoutDurationSeconds"]!.GetValue<long>());
        Assert.Equal(30, ua["lockoutCounterResetSeconds"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"ipAddress":"0.0.0.0","type":"ipv4","prefix":0},{"ipAddress":"::","type":"ipv6","prefix":0}]"""),
            ua["clientSecretTrustedIps"]));
    }

    [Fact]
    public async Task Attach_twice_is_400()
    {
        var id = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}", new { }, fx.AdminToken));
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}", new { }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Failed to add universal auth to already configured identity");
    }

    [Fact]
    public async Task Ttl_above_max_ttl_is_a_validation_failure()
    {
        var id = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}", new { accessTokenTTL = 100, accessTokenMaxTTL = 50 }, fx.AdminToken);
        Expect.Validation(r, Issue.Custom([], "Access Token TTL cannot be greater than Access Token Max TTL."));
    }

    [Fact]
    public async Task Out_of_range_settings_are_validation_failures()
    {
        var id = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}",
            new { accessTokenTTL = -1, lockoutThreshold = 31, accessTokenNumUsesLimit = 1.5 }, fx.AdminToken);
        Expect.Validation(r,
            Issue.TooSmall(["accessTokenTTL"], "number", 0, "Number must be greater than or equal to 0"),
            Issue.WrongType(["accessTokenNumUsesLimit"], "integer", "float"),
            Issue.TooBig(["lockoutThreshold"], "number", 30, "Number must be less than or equal to 30"));
    }

    [Fact]
    public async Task Invalid_ip_is_400()
    {
        var id = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}",
            new { clientSecretTrustedIps = new[] { new { ipAddress = "300.1.1.1" } } }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "The IP is not a valid IPv4, IPv6, or CIDR block");
    }

    [Fact]
    public async Task Attach_to_unknown_identity_is_404()
    {
        var missing = Guid.NewGuid();
        var r = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{missing}", new { }, fx.AdminToken);
        Expect.Error(r, 404, "NotFound", $"Failed to find identity with ID {missing}");
    }

    [Fact]
    public async Task Client_secret_is_64_hex_shown_once_and_listed_without_it()
    {
        var id = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}", new { }, fx.AdminToken));
        var created = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}/client-secrets",
            new { description = "ci", numUsesLimit = 3, ttl = 600 }, fx.AdminToken);
        Expect.Ok(created);
        Expect.Keys(created.Json, "clientSecret", "clientSecretData");
        var secret = created.Json["clientSecret"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        var data = created.Json["clientSecretData"]!.AsObject();
        Expect.Keys(data, "id", "createdAt", "updatedAt", "description", "clientSecretPrefix", "clientSecretLastUsedAt",
            "clientSecretNumUses", "clientSecretNumUsesLimit", "clientSecretTTL", "identityUAId", "isClientSecretRevoked");
        Assert.Equal(secret[..4], data["clientSecretPrefix"]!.GetValue<string>());
        Assert.Equal(3, data["clientSecretNumUsesLimit"]!.GetValue<long>());
        Assert.Equal(600, data["clientSecretTTL"]!.GetValue<long>());

        var list = await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}/client-secrets", fx.AdminToken);
        Expect.Ok(list);
        Assert.DoesNotContain(secret, list.RawBody);
        Assert.Single(list.Json["clientSecretData"]!.AsArray());

        var secretId = data["id"]!.GetValue<string>();
        var one = await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}/client-secrets/{secretId}", fx.AdminToken);
        Expect.Ok(one);
        Assert.Equal(secretId, one.Json["clientSecretData"]!["id"]!.GetValue<string>());

        var revoked = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}/client-secrets/{secretId}/revoke", null, fx.AdminToken);
        Expect.Ok(revoked);
        Assert.True(revoked.Json["clientSecretData"]!["isClientSecretRevoked"]!.GetValue<bool>());
        Assert.Empty((await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}/client-secrets", fx.AdminToken)).Json["clientSecretData"]!.AsArray());
        var login = await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId = await ClientId(id), clientSecret = secret });
        Expect.Error(login, 401, "UnauthorizedError", "Invalid credentials");
    }

    [Fact]
    public async Task Login_returns_bearer_token_with_infisical_claims()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id, new { accessTokenTTL = 120, accessTokenMaxTTL = 600 });
        var r = await Api.PostAsync("/api/v1/auth/universal-auth/login/", new { clientId, clientSecret = secret });
        Expect.Ok(r);
        Expect.Keys(r.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        Assert.Equal(120, r.Json["expiresIn"]!.GetValue<long>());
        Assert.Equal(600, r.Json["accessTokenMaxTTL"]!.GetValue<long>());
        Assert.Equal("Bearer", r.Json["tokenType"]!.GetValue<string>());
        var claims = Foundation.BootstrapTests.JwtPayload(r.Json["accessToken"]!.GetValue<string>());
        Assert.Equal(id, claims["identityId"]!.GetValue<string>());
        Assert.Equal("identityAccessToken", claims["authTokenType"]!.GetValue<string>());
        Assert.NotNull(claims["clientSecretId"]);
        Assert.NotNull(claims["identityAccessTokenId"]);
        Assert.Equal(120, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());

        var membership = await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Assert.Equal("universal-auth", membership.Json["identity"]!["lastLoginAuthMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_with_unknown_client_or_wrong_secret_is_invalid_credentials()
    {
        var (clientId, _) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());
        Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId = Guid.NewGuid().ToString(), clientSecret = new string('a', 64) }),
            401, "UnauthorizedError", "Invalid credentials");
        Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = new string('a', 64) }),
            401, "UnauthorizedError", "Invalid credentials");
    }

    [Fact]
    public async Task Login_validates_body()
    {
        var r = await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientSecret = 1 });
        Expect.Validation(r, Issue.Required(["clientId"], "string"), Issue.WrongType(["clientSecret"], "string", "number"));
    }

    [Fact]
    public async Task Three_failures_lock_the_method_until_the_lockout_ends()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id);
        for (var i = 0; i < 3; i++)
            Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = "wrong" }),
                401, "UnauthorizedError", "Invalid credentials");
        Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }),
            401, "UnauthorizedError", "This identity auth method is temporarily locked, please try again later");
        var details = await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Assert.Equal("universal-auth", details.Json["identity"]!["identity"]!["activeLockoutAuthMethods"]![0]!.GetValue<string>());

        fx.Server.Clock.Advance(TimeSpan.FromSeconds(301));
        Expect.Ok(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }));
    }

    [Fact]
    public async Task Failure_counter_resets_after_the_window()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());
        for (var i = 0; i < 2; i++)
            await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = "wrong" });
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(31));
        for (var i = 0; i < 2; i++)
            await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = "wrong" });
        Expect.Ok(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }));
    }

    [Fact]
    public async Task Clear_lockouts_unlocks_and_counts()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id);
        for (var i = 0; i < 3; i++)
            await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = "wrong" });
        var cleared = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{id}/clear-lockouts", null, fx.AdminToken);
        Expect.Ok(cleared);
        Expect.Keys(cleared.Json, "deleted");
        Assert.Equal(1, cleared.Json["deleted"]!.GetValue<int>());
        Expect.Ok(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }));
    }

    [Fact]
    public async Task Use_limit_holds_under_twenty_concurrent_logins()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), secret: new { numUsesLimit = 5 });
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret })));
        var ok = results.Where(r => r.Code == 200).ToList();
        Assert.Equal(5, ok.Count);
        Assert.Equal(5, ok.Select(r => r.Json["accessToken"]!.GetValue<string>()).Distinct().Count());
        Assert.All(results.Where(r => r.Code != 200),
            r => Expect.Error(r, 401, "UnauthorizedError", "Access denied due to client secret usage limit reached"));
    }

    [Fact]
    public async Task Single_use_secret_works_once()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), secret: new { numUsesLimit = 1 });
        Expect.Ok(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }));
        Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }),
            401, "UnauthorizedError", "Access denied due to client secret usage limit reached");
    }

    [Fact]
    public async Task Expired_client_secret_is_refused()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), secret: new { ttl = 60 });
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(61));
        Expect.Error(await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }),
            401, "UnauthorizedError", "Access denied due to expired client secret");
    }

    [Fact]
    public async Task Client_secret_trusted_ips_are_enforced_and_not_spoofable()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(),
            new { clientSecretTrustedIps = new[] { new { ipAddress = "10.0.0.0/8" } } });
        var spoofed = await Api.SendAsync(HttpMethod.Post, "/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret },
            customize: m => m.Headers.Add("X-Forwarded-For", "10.1.2.3"));
        Expect.Error(spoofed, 403, "ForbiddenError", "You are not allowed to access this resource from the current IP address");
    }

    [Fact]
    public async Task Access_token_ttl_expires_tokens()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenTTL = 60, accessTokenMaxTTL = 60 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(61));
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError", "Your token has expired. Please re-authenticate.");
    }

    [Fact]
    public async Task Access_token_use_limit_allows_exactly_n_requests()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenNumUsesLimit = 2 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError",
            "Unable to renew because access token number of uses limit reached");
    }

    [Fact]
    public async Task Narrowing_access_token_trusted_ips_blocks_issued_tokens_on_the_next_request()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id);
        var token = await fx.Given.LoginAsync(clientId, secret);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));
        Expect.Ok(await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{id}",
            new { accessTokenTrustedIps = new[] { new { ipAddress = "10.0.0.0/24" } } }, fx.AdminToken));
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 403, "ForbiddenError",
            "You are not allowed to access this resource from the current IP address");
    }

    [Fact]
    public async Task Get_update_and_delete_universal_auth()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id);
        var token = await fx.Given.LoginAsync(clientId, secret);

        var got = await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken);
        Expect.Ok(got);
        Expect.Keys(got.Json["identityUniversalAuth"]!.AsObject(), UaKeys);

        var patched = await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{id}", new { accessTokenTTL = 10, lockoutEnabled = false }, fx.AdminToken);
        Expect.Ok(patched);
        Assert.Equal(10, patched.Json["identityUniversalAuth"]!["accessTokenTTL"]!.GetValue<long>());
        Assert.False(patched.Json["identityUniversalAuth"]!["lockoutEnabled"]!.GetValue<bool>());

        var deleted = await Api.DeleteAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken);
        Expect.Ok(deleted);
        Assert.Equal(clientId, deleted.Json["identityUniversalAuth"]!["clientId"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{id}", fx.AdminToken), 400, "BadRequest",
            "The identity does not have universal auth");
    }

    private async Task<string> ClientId(string identityId) =>
        (await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}", fx.AdminToken)).Json["identityUniversalAuth"]!["clientId"]!.GetValue<string>();
}
