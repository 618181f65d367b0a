using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.OrgAdmin;

public static class OrgAdminEndpoints
{
    public static void MapOrgAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organization-admin").RequireActor().WithTags("Organization admin");
        group.MapPost("/projects/{projectId}/grant-admin-access", async (HttpContext http, string projectId, OrgAdminService recovery) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new RecoveredMembershipEnvelope(
                await recovery.GrantAdminAccessAsync(actor, AuditContext.From(http, actor), projectId.Trim())));
        }).WithSummary("Make the calling organization admin an admin of a project");
    }
}
