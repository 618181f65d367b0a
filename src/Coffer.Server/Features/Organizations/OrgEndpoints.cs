using Coffer.Server.Data;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Organizations;

/// <summary>
/// The organization reads clients make before anything else: the CLI's organization picker (<c>infisical login</c>,
/// <c>infisical init</c>) and Terraform's <c>infisical_identity_details</c> and <c>infisical_organization</c> data sources.
/// </summary>
public static class OrgEndpoints
{
    public static void MapOrganizations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Organizations");

        group.MapGet("/api/v1/organization", async (HttpContext http, OrgService service) =>
            TypedResults.Ok(new OrganizationList([.. (await service.ListMineAsync(http.GetActor())).Select(OrganizationDto.From)])))
            .WithMetadata(AllowsNoOrganizationMetadata.Instance) // the CLI lists them to choose one, before selecting any
            .WithSummary("List the caller's organizations");

        group.MapGet("/api/v1/organization/accessible-with-sub-orgs", async (HttpContext http, OrgService service) =>
            TypedResults.Ok(new OrgWithSubOrgsList([.. (await service.ListMineAsync(http.GetActor()))
                .Select(o => new OrgWithSubOrgs(o.Id, o.Name, o.Slug, UnixMs.ToUtc(o.CreatedAt), []))])))
            .WithMetadata(AllowsNoOrganizationMetadata.Instance)
            .WithSummary("List the caller's organizations with their sub-organizations");

        group.MapGet("/api/v1/identities/details", async (HttpContext http, OrgService service) =>
        {
            var org = await service.IdentityOrganizationAsync(http.GetActor(), http.Request.Path);
            return TypedResults.Ok(new IdentityDetailsResponse(new IdentityDetails(new OrgBasic(org.Id, org.Name, org.Slug))));
        }).WithMetadata(AllowsNoOrganizationMetadata.Instance) // a user is refused by the service, with Infisical's 403
            .WithSummary("The calling identity's organization");

        group.MapGet("/api/v1/sub-organizations", async (HttpContext http, OrgService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            query.Integer("limit", min: 1, max: 1000);
            query.Integer("offset", min: 0);
            query.ThrowIfInvalid();
            var list = await service.ListSubOrganizationsAsync(http.GetActor());
            return TypedResults.Ok(new SubOrganizationList(list, list.Count));
        }).WithSummary("List sub-organizations");
    }
}
