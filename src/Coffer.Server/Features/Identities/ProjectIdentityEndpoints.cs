using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Identities;

/// <summary>Identities owned by a project, under <c>/api/v1/projects/{projectId}/identities</c>.</summary>
public static class ProjectIdentityEndpoints
{
    public static void MapProjectIdentities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Identities");
        group.MapPost("/api/v1/projects/{projectId}/identities", CreateAsync).WithSummary("Create an identity in a project");
        group.MapPatch("/api/v1/projects/{projectId}/identities/{identityId}", UpdateAsync).WithSummary("Update an identity in a project");
        group.MapDelete("/api/v1/projects/{projectId}/identities/{identityId}", DeleteAsync).WithSummary("Delete an identity from a project");
        group.MapGet("/api/v1/projects/{projectId}/identities/{identityId}", async (HttpContext http, string projectId, string identityId,
            ProjectIdentityService service) =>
            TypedResults.Ok(new ProjectIdentityEnvelope(await service.GetAsync(http.GetActor(), projectId.Trim(), identityId.Trim()))))
            .WithSummary("Get an identity by ID in a project");
        group.MapGet("/api/v1/projects/{projectId}/identities", ListAsync).WithSummary("List identities in a project");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string projectId, ProjectIdentityService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var name = body.String("name", trim: true, min: 1, max: 256);
        var protection = body.Boolean("hasDeleteProtection", fallback: false);
        var metadata = IdentityEndpoints.ReadMetadata(body);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        return TypedResults.Ok(new ProjectIdentityEnvelope(
            await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), name!, protection!.Value, metadata)));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string projectId, string identityId, ProjectIdentityService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var name = body.String("name", required: false, trim: true, min: 1, max: 256);
        var protection = body.Boolean("hasDeleteProtection");
        var metadata = IdentityEndpoints.ReadMetadata(body);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        return TypedResults.Ok(new ProjectIdentityEnvelope(
            await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), identityId.Trim(), name, protection, metadata)));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string projectId, string identityId, ProjectIdentityService service)
    {
        var actor = http.GetActor();
        return TypedResults.Ok(new ProjectIdentityEnvelope(
            await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), identityId.Trim())));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string projectId, ProjectIdentityService service)
    {
        var query = Input.ForQuery(http.Request.Query);
        var offset = query.Integer("offset", min: 0, fallback: 0);
        var limit = query.Integer("limit", min: 1, max: 1000, fallback: 20);
        var search = query.String("search", required: false, trim: true);
        query.ThrowIfInvalid();
        return TypedResults.Ok(await service.ListAsync(http.GetActor(), projectId.Trim(), (int)offset!, (int)limit!, search));
    }
}
