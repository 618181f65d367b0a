using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Status;

/// <summary>The readiness check's one query.</summary>
public static class StatusStore
{
    public static async Task<IReadOnlyList<long>> AppliedMigrationsAsync(DbConnection conn) =>
        [.. await conn.QueryAsync<long>("SELECT id FROM coffer_migrations")];
}
