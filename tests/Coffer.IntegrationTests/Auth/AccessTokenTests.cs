using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

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
