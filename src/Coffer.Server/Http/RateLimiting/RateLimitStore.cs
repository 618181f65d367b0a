using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Http.RateLimiting;

/// <summary>
/// Rate-limit counters in the database, so every instance counts against the same number. A bucket's window starts
/// with its first hit and lasts <see cref="RateLimiter.WindowMs"/>, as <c>@fastify/rate-limit</c>'s stores do.
/// </summary>
internal static class RateLimitStore
{
    /// <summary>
    /// Adds <paramref name="hits"/> to the bucket in one atomic upsert (a new window if the old one is over) and
    /// returns the bucket's count including them, and when its window started.
    /// </summary>
    public static Task<Counter> AddAsync(Db db, string bucket, int hits, long now) =>
        db.WriteAsync((conn, tx) => conn.QuerySingleAsync<Counter>(
            """
            INSERT INTO rate_limit_counters (bucket, hits, window_started_at) VALUES (@bucket, @hits, @now)
            ON CONFLICT (bucket) DO UPDATE SET
                hits = CASE WHEN rate_limit_counters.window_started_at <= @expired THEN @hits ELSE rate_limit_counters.hits + @hits END,
                window_started_at = CASE WHEN rate_limit_counters.window_started_at <= @expired THEN @now ELSE rate_limit_counters.window_started_at END
            RETURNING hits, window_started_at
            """,
            new { bucket, hits, now, expired = now - RateLimiter.WindowMs }, tx));

    /// <summary>Drops buckets whose window is over; the next hit would start a new window anyway.</summary>
    public static Task<int> DeleteExpiredAsync(Db db, long now) =>
        db.WriteAsync((conn, tx) => conn.ExecuteAsync(
            "DELETE FROM rate_limit_counters WHERE window_started_at <= @expired", new { expired = now - RateLimiter.WindowMs }, tx));

    public sealed record Counter(long Hits, long WindowStartedAt);
}
