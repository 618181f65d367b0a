using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class TokenAuthTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static readonly string[] ConfigKeys =
        ["id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenTrustedIps", "createdAt", "updatedAt", "identityId", "accessTokenPeriod"];

    private static readonly string[] TokenKeys =
    [
        "id", "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUses", "accessTokenNumUsesLimit", "accessTokenLastUsedAt",
        "accessTokenLastRenewedAt", "isAccessTokenRevoked", "identityUAClientSecretId", "identityId", "createdAt", "updatedAt", "name",
        "authMethod", "accessTokenPeriod",
    ];

    [Fact]
    public async Task Attach_get_update_and_mint()
    {
        var id = await fx.Given.IdentityAsync();
        var attached = await Api.PostAsync($"/api/v1/auth/token-auth/identities/{id}", new { accessTokenTTL = 600, accessTokenMaxTTL = 1200 }, fx.AdminToken);
        Expect.Ok(attached);
        Expect.Keys(attached.Json["identityTokenAuth"]!.AsObject(), ConfigKeys);
        Expect.Error(await Api.PostAsync($"/api/v1/auth/token-auth/identities/{id}", new { }, fx.AdminToken), 400, "BadRequest",
            "Failed to add token auth to already configured identity");
        Expect.Ok(await Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}", fx.AdminToken));
        var updated = await Api.PatchAsync($"/api/v1/auth/token-auth/identities/{id}", new { accessTokenTTL = 300 }, fx.AdminToken);
        Assert.Equal(300, updated.Json["identityTokenAuth"]!["accessTokenTTL"]!.GetValue<long>());
        Expect.Error(await Api.PatchAsync($"/api/v1/auth/token-auth/identities/{id}", new { accessTokenTTL = 5000 }, fx.AdminToken), 400, "BadRequest",
            "Access token TTL cannot be greater than max TTL");

        var minted = await Api.PostAsync($"/api/v1/auth/token-auth/identities/{id}/tokens", new { name = "ci" }, fx.AdminToken);
        Expect.Ok(minted);
        Expect.Keys(minted.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType", "tokenData");
        Assert.Equal(300, minted.Json["expiresIn"]!.GetValue<long>());
        Expect.Keys(minted.Json["tokenData"]!.AsObject(), TokenKeys);
        Assert.Equal("token-auth", minted.Json["tokenData"]!["authMethod"]!.GetValue<string>());
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", minted.Json["accessToken"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Tokens_can_be_listed_renamed_read_and_revoked()
    {
        var id = await fx.Given.IdentityAsync("admin");
        var token = await fx.Given.TokenAuthTokenAsync(id);
        var list = await Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}/tokens?limit=5", fx.AdminToken);
        Expect.Ok(list);
        var tokenId = Assert.Single(list.Json["tokens"]!.AsArray())!["id"]!.GetValue<string>();
        Expect.Ok(await Api.GetAsync($"/api/v1/auth/token-auth/tokens/{tokenId}", fx.AdminToken));
        var renamed = await Api.PatchAsync($"/api/v1/auth/token-auth/tokens/{tokenId}", new { name = "renamed" }, fx.AdminToken);
        Assert.Equal("renamed", renamed.Json["token"]!["name"]!.GetValue<string>());
        var revoked = await Api.PostAsync($"/api/v1/auth/token-auth/tokens/{tokenId}/revoke", null, fx.AdminToken);
        Expect.Ok(revoked);
        Expect.Keys(revoked.Json, "message");
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync($"/api/v1/auth/token-auth/tokens/{tokenId}", fx.AdminToken), 404, "NotFound", $"Token with ID {tokenId} not found");
        Expect.Validation(await Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}/tokens?limit=101", fx.AdminToken),
            Issue.TooBig(["limit"], "number", 100, "Number must be less than or equal to 100"));
    }

    [Fact]
    public async Task Removing_token_auth_kills_its_tokens()
    {
        var id = await fx.Given.IdentityAsync();
        var token = await fx.Given.TokenAuthTokenAsync(id);
        var removed = await Api.DeleteAsync($"/api/v1/auth/token-auth/identities/{id}", fx.AdminToken);
        Expect.Ok(removed);
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync($"/api/v1/auth/token-auth/identities/{id}", fx.AdminToken), 400, "BadRequest", "The identity does not have token auth");
        Expect.Error(await Api.PostAsync($"/api/v1/auth/token-auth/identities/{id}/tokens", new { }, fx.AdminToken), 400, "BadRequest",
            "The identity does not have token auth");
    }

    [Fact]
    public async Task Member_without_token_rights_cannot_mint()
    {
        var target = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/token-auth/identities/{target}", new { }, fx.AdminToken));
        var (_, noAccess) = await fx.Given.IdentityWithTokenAsync("no-access");
        Expect.Error(await Api.PostAsync($"/api/v1/auth/token-auth/identities/{target}/tokens", new { }, noAccess), 403, "PermissionDenied",
            "You are not allowed to create-token on identity", allowDetails: true);
    }
}

public sealed class AccessTokenTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Renew_issues_a_new_jwt_that_works()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenTTL = 600, accessTokenMaxTTL = 6000 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(2));
        var renewed = await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token });
        Expect.Ok(renewed);
        Expect.Keys(renewed.Json, "accessToken", "expiresIn", "accessTokenMaxTTL", "tokenType");
        var fresh = renewed.Json["accessToken"]!.GetValue<string>();
        Assert.NotEqual(token, fresh);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", fresh));
    }

    [Fact]
    public async Task Renewal_is_cut_short_at_max_ttl_and_refused_after_it()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenTTL = 60, accessTokenMaxTTL = 100 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(50));
        var renewed = await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token });
        Expect.Ok(renewed);
        var fresh = renewed.Json["accessToken"]!.GetValue<string>();
        var claims = Foundation.BootstrapTests.JwtPayload(fresh);
        var lifetime = claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>();
        Assert.InRange(lifetime, 49, 50);
        Assert.Equal(lifetime, renewed.Json["expiresIn"]!.GetValue<long>());

        fx.Server.Clock.Advance(TimeSpan.FromSeconds(40));
        var again = await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = fresh });
        Expect.Ok(again);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(11));
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = again.Json["accessToken"]!.GetValue<string>() }), 401, "TokenError",
            "Your token has expired. Please re-authenticate.");
    }

    [Fact]
    public async Task Renew_works_with_default_settings()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());
        var token = await fx.Given.LoginAsync(clientId, secret);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(5));
        var renewed = await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token });
        Expect.Ok(renewed);
        Assert.InRange(renewed.Json["expiresIn"]!.GetValue<long>(), 2_591_990, 2_592_000);
    }

    [Fact]
    public async Task Renewing_an_expired_token_is_refused()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenTTL = 60, accessTokenMaxTTL = 600 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(61));
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token }), 401, "TokenError", "Your token has expired. Please re-authenticate.");
    }

    [Fact]
    public async Task Revoke_takes_effect_on_the_next_request_and_login_still_works()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());
        var token = await fx.Given.LoginAsync(clientId, secret);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token));
        var revoked = await Api.PostAsync("/api/v1/auth/token/revoke", new { accessToken = token });
        Expect.Ok(revoked);
        Assert.Equal("Successfully revoked access token", revoked.Json["message"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token }), 401, "TokenError", "No identity access token found");
        Expect.Ok(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", await fx.Given.LoginAsync(clientId, secret)));
    }

    [Fact]
    public async Task Renew_and_revoke_validate_their_body()
    {
        Expect.Validation(await Api.PostAsync("/api/v1/auth/token/renew", new { }), Issue.Required(["accessToken"], "string"));
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/revoke", new { accessToken = "x.y" }), 401, "TokenError",
            "The provided access token is malformed. Please use a valid token or generate a new one and try again.");
    }

    [Fact]
    public async Task Login_ignores_a_stale_authorization_header()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());
        var r = await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret }, "stale-or-expired-token");
        Expect.Ok(r);
    }
}

public sealed class CrossOrganizationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Identity_of_another_org_sees_nothing_of_this_one()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId);
        var (otherOrg, _, other) = await OtherOrg.CreateAsync(fx.Server);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        Expect.Error(await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", other), 403, "ForbiddenError",
            $"Your token is scoped to organization with ID {otherOrg}, but this resource belongs to a different organization.");
        Expect.Error(await fx.Api.GetAsync($"/api/v1/identities/{identityId}", other), 404, "NotFound", $"Failed to find identity with id {identityId}");
        Expect.Error(await fx.Api.DeleteAsync($"/api/v1/identities/{identityId}", other), 404, "NotFound", $"Failed to find identity with id {identityId}");
        Expect.Error(await fx.Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}", new { }, other), 404, "NotFound",
            $"Failed to find identity with ID {identityId}");
        Expect.Error(await fx.Api.PostAsync($"/api/v1/auth/token-auth/identities/{identityId}/tokens", new { }, other), 404, "NotFound",
            $"Failed to find identity with ID {identityId}");
        foreach (var form in new[] { "/api/v1/projects/{0}/identity-memberships/{1}", "/api/v2/workspace/{0}/identity-memberships/{1}", "/api/v1/projects/{0}/memberships/identities/{1}" })
        {
            var path = string.Format(form, projectId, identityId);
            Expect.Error(await fx.Api.DeleteAsync(path, other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
            Expect.Error(await fx.Api.GetAsync(path, other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
            Expect.Error(await fx.Api.PatchAsync(path, new { roles = new[] { new { role = "admin" } } }, other), 403, "ForbiddenError",
                "This project does not belong to your selected organization.");
        }
        Expect.Error(await fx.Api.GetAsync($"/api/v1/projects/{projectId}", other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
        Expect.Error(await fx.Api.DeleteAsync($"/api/v1/projects/{projectId}", other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
        Assert.DoesNotContain(projectId, (await fx.Api.GetAsync("/api/v1/projects", other)).RawBody);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
    }
}
