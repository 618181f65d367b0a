using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// A universal-auth login is audited as Infisical's <c>login-identity-universal-auth</c> (queued through the audit
/// batcher, like Infisical's audit-log queue); reading the audit log shows it at once.
/// </summary>
public sealed class LoginAuditTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task A_login_is_audited_with_the_token_it_issued()
    {
        var identityId = await fx.Given.IdentityAsync();
        var (clientId, clientSecret) = await fx.Given.UniversalAuthAsync(identityId);
        var token = await fx.Given.LoginAsync(clientId, clientSecret);
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url(token.Split('.')[1])))!;

        var ua = await Api.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}", fx.AdminToken);
        Expect.Ok(ua);
        var r = await Api.GetAsync($"/api/v1/organization/audit-logs?eventType=login-identity-universal-auth&actor=identity:{identityId}", fx.AdminToken);
        Expect.Ok(r);
        var log = Assert.Single(r.Json["auditLogs"]!.AsArray())!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {
              "clientSecretId": "{{claims["clientSecretId"]!.GetValue<string>()}}",
              "identityId": "{{identityId}}",
              "identityAccessTokenId": "{{claims["identityAccessTokenId"]!.GetValue<string>()}}",
              "identityUniversalAuthId": "{{ua.Json["identityUniversalAuth"]!["id"]!.GetValue<string>()}}"
            }
            """), log["event"]!["metadata"]), log["event"]!["metadata"]!.ToJsonString());
        Assert.Equal("identity", log["actor"]!["type"]!.GetValue<string>());
        Assert.Equal(identityId, log["actor"]!["metadata"]!["identityId"]!.GetValue<string>());
        Assert.Equal(fx.Given.OrgId, log["orgId"]!.GetValue<string>());
    }

    private static byte[] Base64Url(string s) =>
        Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (s.Length % 4)) % 4));
}
