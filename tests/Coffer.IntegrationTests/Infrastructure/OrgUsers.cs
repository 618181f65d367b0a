using Coffer.Server.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A second user of the fixture's organization. Coffer has no route that adds a user to an organization (it sends no
/// invitations), so the user is written as the bootstrap writes users.
/// </summary>
public static class OrgUsers
{
    public static async Task<(string Id, string Username)> AddAsync(ServerFixture fx, string prefix)
    {
        var id = Guid.CreateVersion7().ToString();
        var username = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 12)] + "@example.com";
        await fx.Server.Services.GetRequiredService<Db>().WriteAsync(async (conn, tx) =>
        {
            await conn.ExecuteAsync(
                """
                INSERT INTO users (id, email, username, first_name, last_name, password_hash, super_admin, is_accepted,
                                   is_email_verified, auth_methods, created_at, updated_at)
                VALUES (@id, @username, @username, 'Org', 'User', 'x', FALSE, TRUE, TRUE, '["email"]', 0, 0)
                """, new { id, username }, tx);
            await conn.ExecuteAsync(
                """
                INSERT INTO org_memberships (id, org_id, actor_type, user_id, identity_id, role, role_id, is_active, created_at, updated_at)
                VALUES (@membershipId, @orgId, 'user', @id, NULL, 'member', NULL, TRUE, 0, 0)
                """, new { membershipId = Guid.CreateVersion7().ToString(), orgId = fx.OrgId, id }, tx);
        }, TestContext.Current.CancellationToken);
        return (id, username);
    }
}
