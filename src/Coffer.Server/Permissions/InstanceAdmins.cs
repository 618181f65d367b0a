using System.Data.Common;
using System.Text.Json;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Permissions;

/// <summary>
/// The administrators of the whole instance: users marked server administrator (Infisical's <c>superAdmin</c>) and the
/// machine identities made at bootstrap. Instance-wide operations (data-key rotation) and the instance admin identities
/// themselves answer to them only.
/// </summary>
public static class InstanceAdmins
{
    public static async Task<bool> IsAsync(DbConnection conn, Actor actor) =>
        actor.IsIdentity ? await IsAdminIdentityAsync(conn, actor.Id) : await IsServerAdminAsync(conn, actor);

    public static async Task<bool> IsAdminIdentityAsync(DbConnection conn, string identityId)
    {
        var ids = await conn.ExecuteScalarAsync<string?>("SELECT admin_identity_ids FROM server_config WHERE id = 'singleton'");
        return ids is not null && (JsonSerializer.Deserialize<string[]>(ids) ?? []).Contains(identityId, StringComparer.Ordinal);
    }

    public static async Task<bool> IsServerAdminAsync(DbConnection conn, Actor actor) =>
        !actor.IsIdentity && await conn.ExecuteScalarAsync<bool>("SELECT super_admin FROM users WHERE id = @id", new { id = actor.Id });
}
