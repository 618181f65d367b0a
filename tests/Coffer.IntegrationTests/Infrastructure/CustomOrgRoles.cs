using Coffer.Server.Data;
using Coffer.Server.Permissions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Coffer serves no route that writes organization roles, so a custom one is written as Infisical stores it.</summary>
public static class CustomOrgRoles
{
    public static Task<int> CreateAsync(ServerFixture fx, string slug, params PermissionRule[] rules) =>
        fx.Server.Services.GetRequiredService<Db>().WriteAsync((conn, tx) => conn.ExecuteAsync(
            "INSERT INTO org_roles (id, org_id, name, slug, description, permissions, created_at, updated_at) " +
            "VALUES (@id, @orgId, @slug, @slug, NULL, @rules, 0, 0)",
            new { id = Guid.CreateVersion7().ToString(), orgId = fx.OrgId, slug, rules = PermissionStorage.Pack(rules) }, tx),
            TestContext.Current.CancellationToken);
}
