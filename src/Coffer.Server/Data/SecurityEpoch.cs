using System.Data.Common;
using Dapper;

namespace Coffer.Server.Data;

/// <summary>
/// A counter bumped in the same transaction as any change that can take access away (revocations, deletions, role
/// and membership changes). Every instance reads it once per authenticated request; caches tagged with an older
/// value are dropped. That is how "takes effect on the next request, on every instance" holds with caches on.
/// </summary>
public static class SecurityEpoch
{
    public static Task<long> ReadAsync(DbConnection conn) =>
        conn.ExecuteScalarAsync<long>("SELECT value FROM coffer_state WHERE key = 'security_epoch'");

    public static Task BumpAsync(DbConnection conn, DbTransaction tx) =>
        conn.ExecuteAsync("UPDATE coffer_state SET value = value + 1 WHERE key = 'security_epoch'", transaction: tx);
}
