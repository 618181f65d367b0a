using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// Issue 29's token findings: a max TTL bounds every non-periodic token, at use and at renewal, and a JWT always says
/// so. The renewal arithmetic in the last second before the max TTL is shown exactly in Coffer.Tests' TokenRenewalTests.
/// </summary>
public sealed class TokenLifetimeTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private string ListPath => $"/api/v1/identities?orgId={fx.OrgId}";

    [Fact]
    public async Task A_token_with_ttl_0_carries_its_max_ttl_and_dies_at_it()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { accessTokenTTL = 0, accessTokenMaxTTL = 60 });
        var token = await fx.Given.LoginAsync(clientId, secret);
        var claims = Foundation.BootstrapTests.JwtPayload(token);
        Assert.Equal(60, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Expect.Ok(await Api.GetAsync(ListPath, token));

        fx.Server.Clock.Advance(TimeSpan.FromSeconds(61));
        Expect.Error(await Api.GetAsync(ListPath, token), 401, "TokenError", "Your token has expired. Please re-authenticate.");
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token }), 401, "TokenError",
            "Your token has expired. Please re-authenticate.");
    }

    [Fact]
    public async Task Revoking_a_client_secret_revokes_the_tokens_minted_from_it()
    {
        var identity = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(identity, new { accessTokenTTL = 600, accessTokenMaxTTL = 6000 });
        var minted = await fx.Given.LoginAsync(clientId, secret);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(2));
        var renewed = (await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = minted })).Json["accessToken"]!.GetValue<string>();
        var other = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identity}/client-secrets", new { }, fx.AdminToken);
        var otherToken = await fx.Given.LoginAsync(clientId, other.Json["clientSecret"]!.GetValue<string>());
        Expect.Ok(await Api.GetAsync(ListPath, minted));
        Expect.Ok(await Api.GetAsync(ListPath, renewed));

        var secrets = await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{identity}/client-secrets", fx.AdminToken);
        var secretId = secrets.Json["clientSecretData"]!.AsArray()
            .Single(s => s!["id"]!.GetValue<string>() != other.Json["clientSecretData"]!["id"]!.GetValue<string>())!["id"]!.GetValue<string>();
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identity}/client-secrets/{secretId}/revoke", new { }, fx.AdminToken));

        Expect.Error(await Api.GetAsync(ListPath, minted), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync(ListPath, renewed), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.PostAsync("/api/v1/auth/token/renew", new { accessToken = renewed }), 401, "TokenError", "No identity access token found");
        // Tokens from the identity's other secret are untouched.
        Expect.Ok(await Api.GetAsync(ListPath, otherToken));
    }
}
