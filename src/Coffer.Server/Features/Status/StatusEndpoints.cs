using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Coffer.Server.Http;
using Coffer.Server.Http.RateLimiting;

namespace Coffer.Server.Features.Status;

public static class StatusEndpoints
{
    public static void MapStatus(this IEndpointRouteBuilder app)
    {
        // No auth and no database: load balancers poll this, and it is the benchmark's in-process ceiling.
        app.MapGet("/api/status", (TimeProvider time, CofferOptions options) => TypedResults.Ok(new StatusResponse(
            time.GetUtcNow().UtcDateTime,
            "Ok",
            EmailConfigured: false,
            InviteOnlySignup: false,
            RedisConfigured: options.RedisUrl is not null,
            SecretScanningConfigured: false,
            AuditLogStorageDisabled: false,
            MaxIdentityAccessTokenTTL: options.MaxIdentityAccessTokenTtlSeconds > 0 ? options.MaxIdentityAccessTokenTtlSeconds : null)))
            .WithTags("Status")
            .WithSummary("Server status")
            .WithoutRateLimit();

        // Coffer's own, for load balancers and orchestrators: ready only while the database answers and holds exactly the
        // schema this binary migrates to; it recovers on its own when they do again.
        app.MapGet("/api/ready", async (Db db, CancellationToken ct) =>
        {
            IReadOnlyList<long> applied;
            try
            {
                applied = await db.ReadAsync(StatusStore.AppliedMigrationsAsync, ct);
            }
            catch (DatabaseUnavailableException)
            {
                return NotReady("the database cannot be reached");
            }
            var newest = applied.Count == 0 ? 0 : applied.Max();
            if (newest > Migrator.LatestId)
                return NotReady($"the database schema is at version {newest}, newer than this binary understands (up to {Migrator.LatestId})");
            var pending = Migrator.All.Count(m => !applied.Contains(m.Id));
            if (pending > 0) return NotReady($"{pending} database migration(s) pending: run coffer-server migrate, or restart a server, to apply them");
            return Results.Json(new ReadyResponse(true, Migrator.LatestId, null), ApiJson.Options);
        })
            .WithTags("Status")
            .WithSummary("Readiness: 200 while the database answers at this binary's schema, 503 otherwise")
            .WithoutRateLimit();
    }

    private static IResult NotReady(string reason) => Results.Json(new ReadyResponse(false, null, reason), ApiJson.Options, statusCode: 503);

    public sealed record ReadyResponse(
        bool Ready,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        int? SchemaVersion,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? Reason);

    public sealed record StatusResponse(
        DateTime Date,
        string Message,
        bool EmailConfigured,
        bool InviteOnlySignup,
        bool RedisConfigured,
        bool SecretScanningConfigured,
        bool AuditLogStorageDisabled,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        long? MaxIdentityAccessTokenTTL);
}
