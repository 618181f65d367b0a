using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class TrustedProxyFixture : ServerFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["TRUSTED_PROXIES"] = "127.0.0.1" };
}

public sealed class TrustedProxyTests(TrustedProxyFixture fx) : IClassFixture<TrustedProxyFixture>
{
    [Fact]
    public async Task Forwarded_address_is_believed_from_a_trusted_proxy()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(),
            new { clientSecretTrustedIps = new[] { new { ipAddress = "10.0.0.0/8" } } });
        var viaProxy = await fx.Api.SendAsync(HttpMethod.Post, "/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret },
            customize: m => m.Headers.Add("X-Forwarded-For", "10.1.2.3"));
        Expect.Ok(viaProxy);
        var outside = await fx.Api.SendAsync(HttpMethod.Post, "/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret },
            customize: m => m.Headers.Add("X-Forwarded-For", "192.168.1.1"));
        Expect.Error(outside, 403, "ForbiddenError", "You are not allowed to access this resource from the current IP address");
    }
}
