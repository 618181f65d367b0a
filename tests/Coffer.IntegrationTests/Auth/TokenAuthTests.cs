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
