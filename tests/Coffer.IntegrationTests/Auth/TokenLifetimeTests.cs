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
}
