using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Coffer.Server.Features.Bootstrap;

/// <summary>The instance's one configuration row, as first-run set-up claims and completes it.</summary>
public static class BootstrapStore
{
    /// <summary>
    /// Marks the instance initialized unless it already is (false). Claiming the row first is the lock: a concurrent
    /// bootstrap waits on it, then finds it taken.
    /// </summary>
    public static async Task<bool> TryClaimAsync(DbConnection conn, DbTransaction tx, long now) =>
        await conn.ExecuteAsync(
            """
            INSERT INTO server_config (id, initialized, admin_identity_ids, created_at, updated_at)
            VALUES ('singleton', TRUE, '[]', @now, @now)
            ON CONFLICT (id) DO UPDATE SET initialized = TRUE, updated_at = @now WHERE server_config.initialized = FALSE
            """, new { now }, tx) > 0;

    public static Task<bool> IsInitializedAsync(DbConnection conn) =>
        conn.ExecuteScalarAsync<bool>("SELECT COALESCE((SELECT initialized FROM server_config WHERE id = 'singleton'), FALSE)");

    public static Task SetAdminIdentitiesAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<string> identityIds) =>
        conn.ExecuteAsync("UPDATE server_config SET admin_identity_ids = @ids WHERE id = 'singleton'",
            new { ids = JsonSerializer.Serialize(identityIds) }, tx);
}
