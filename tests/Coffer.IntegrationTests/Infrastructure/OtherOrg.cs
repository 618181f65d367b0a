using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A second organization with an admin identity and a token. Coffer (like a fresh Infisical instance) has no API to
/// create a second organization, so the test writes it through the server's own stores.
/// </summary>
public static class OtherOrg
{
    public static async Task<(string OrgId, string IdentityId, string Token)> CreateAsync(TestServer server)
    {
        var db = server.Services.GetRequiredService<Db>();
        var issuer = server.Services.GetRequiredService<TokenIssuer>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (orgId, identityId, pending) = await db.WriteAsync(async (conn, tx) =>
        {
            var org = await OrgStore.InsertAsync(conn, tx, "Other Org", now);
            var identity = new IdentityRow { Id = Ids.New(), OrgId = org.Id, Name = "other-admin", CreatedAt = now, UpdatedAt = now };
            await IdentityStore.InsertAsync(conn, tx, identity);
            await OrgStore.InsertMembershipAsync(conn, tx, org.Id, null, identity.Id, "admin", null, now);
            var token = await issuer.CreateAsync(conn, tx, identity.Id, AuthMethods.TokenAuth, new TokenPolicy(0, 0, 0, 0), now);
            return (org.Id, identity.Id, token);
        });
        return (orgId, identityId, issuer.Sign(pending).AccessToken);
    }
}
