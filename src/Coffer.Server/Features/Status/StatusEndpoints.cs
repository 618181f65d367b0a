using Coffer.Server.Configuration;
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
    }

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
