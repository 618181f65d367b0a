using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.DataKeyRotation;

public static class DataKeyRotationEndpoints
{
    public static void MapDataKeyRotation(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/admin/projects/{projectId}/rotate-data-key", async (HttpContext http, string projectId, DataKeyRotationService rotation) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new DataKeyRotationEnvelope(await rotation.RotateAsync(actor, AuditContext.From(http, actor), projectId.Trim())));
        }).RequireActor().WithTags("Admin").WithSummary("Re-seal every secret of a project under a new data key (instance admins)");
}
