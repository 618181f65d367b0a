using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.OrgUserMemberships;

/// <summary>
/// People's organization memberships under <c>/api/v2/organizations/{organizationId}/memberships</c>: list, read, change
/// role or active state, remove.
/// </summary>
public static class OrgUserMembershipEndpoints
{
    public static void MapOrgUserMemberships(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Organizations");

        group.MapGet("/api/v2/organizations/{organizationId}/memberships", async (HttpContext http, string organizationId,
            OrgUserMembershipService service) =>
            TypedResults.Ok(new OrgUserMembershipList(await service.ListAsync(http.GetActor(), organizationId.Trim()))))
            .WithSummary("Return organization user memberships");

        group.MapGet("/api/v2/organizations/{organizationId}/memberships/{membershipId}", async (HttpContext http, string organizationId,
            string membershipId, OrgUserMembershipService service) =>
            TypedResults.Ok(new OrgUserMembershipResponse(await service.GetAsync(http.GetActor(), organizationId.Trim(), membershipId.Trim()))))
            .WithSummary("Get organization user membership");

        group.MapPatch("/api/v2/organizations/{organizationId}/memberships/{membershipId}", async (HttpContext http, string organizationId,
            string membershipId, OrgUserMembershipService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var role = body.String("role", required: false, trim: true);
            var isActive = body.Boolean("isActive");
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var membership = await service.UpdateAsync(actor, AuditContext.From(http, actor), organizationId.Trim(), membershipId.Trim(), role, isActive);
            return TypedResults.Ok(new OrgMembershipRowResponse(membership));
        }).WithSummary("Update organization user membership");

        group.MapDelete("/api/v2/organizations/{organizationId}/memberships/{membershipId}", async (HttpContext http, string organizationId,
            string membershipId, OrgUserMembershipService service) =>
        {
            var actor = http.GetActor();
            var membership = await service.DeleteAsync(actor, AuditContext.From(http, actor), organizationId.Trim(), membershipId.Trim());
            return TypedResults.Ok(new OrgMembershipRowResponse(membership));
        }).WithSummary("Delete organization user membership");
    }
}
