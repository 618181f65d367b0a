using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Environments;

/// <summary>
/// A project's environments under <c>/api/v1/projects/{projectId}/environments</c> and the deprecated
/// <c>/api/v1/workspace/{projectId}/environments</c> the SDK calls (the same handlers), and an environment by id alone
/// (<c>/api/v1/workspace/environments/{envId}</c>, Terraform's read and import) or by slug (Terraform's data source).
/// </summary>
public static class EnvironmentEndpoints
{
    public static void MapEnvironments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Environments");
        group.MapPost("/api/v1/projects/{projectId}/environments", CreateAsync).WithSummary("Create environment");
        group.MapPatch("/api/v1/projects/{projectId}/environments/{envId}", UpdateAsync).WithSummary("Update environment");
        group.MapDelete("/api/v1/projects/{projectId}/environments/{envId}", DeleteAsync).WithSummary("Delete environment");
        group.MapGet("/api/v1/projects/{projectId}/environments/{envId}", GetAsync).WithSummary("Get environment");
        group.MapGet("/api/v1/projects/{projectId}/environments/slug/{envSlug}", GetBySlugAsync).WithSummary("Get Environment by slug");

        group.MapPost("/api/v1/workspace/{projectId}/environments", CreateAsync).WithSummary("Create environment");
        group.MapPatch("/api/v1/workspace/{projectId}/environments/{envId}", UpdateAsync).WithSummary("Update environment");
        group.MapDelete("/api/v1/workspace/{projectId}/environments/{envId}", DeleteAsync).WithSummary("Delete environment");
        group.MapGet("/api/v1/workspace/{projectId}/environments/{envId}", GetAsync).WithSummary("Get environment");
        group.MapGet("/api/v1/workspace/environments/{envId}", async (HttpContext http, string envId, EnvironmentService service) =>
            TypedResults.Ok(new EnvironmentEnvelope(await service.GetByIdAsync(http.GetActor(), envId.Trim()))))
            .WithSummary("Get Environment by ID");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string projectId, EnvironmentService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var name = body.String("name", trim: true, min: 1);
        var slug = Slug.Read(body, "slug", max: 64);
        var position = body.Integer("position", min: 1);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var env = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), name!, slug!, position);
        return TypedResults.Ok(new EnvironmentChangeResponse("Successfully created new environment", env.ProjectId, env));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string projectId, string envId, EnvironmentService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var slug = Slug.Read(body, "slug", required: false, max: 64);
        var name = body.String("name", required: false, trim: true, min: 1);
        // Terraform sends 0 when the plan leaves the position to the server: no move (Infisical writes 0 into the row).
        var position = body.Integer("position", min: 0) is > 0 and var p ? p : (long?)null;
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var env = await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), envId.Trim(), name, slug, position);
        return TypedResults.Ok(new EnvironmentChangeResponse("Successfully updated environment", env.ProjectId, env));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string projectId, string envId, EnvironmentService service)
    {
        var actor = http.GetActor();
        var env = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), envId.Trim());
        return TypedResults.Ok(new EnvironmentChangeResponse("Successfully deleted environment", env.ProjectId, env));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string projectId, string envId, EnvironmentService service) =>
        TypedResults.Ok(new EnvironmentEnvelope(await service.GetAsync(http.GetActor(), projectId.Trim(), envId.Trim())));

    /// <summary>
    /// Infisical answers <c>{environment}</c>; Terraform's data source (provider v0.19) decodes the body without the
    /// envelope, so the environment's fields are repeated at the top level for it (docs/compatibility.md).
    /// </summary>
    private static async Task<IResult> GetBySlugAsync(HttpContext http, string projectId, EnvironmentService service)
    {
        var route = Input.ForRoute(http.Request.RouteValues);
        var slug = Slug.Read(route, "envSlug", max: 64);
        route.ThrowIfInvalid();
        var env = await service.GetBySlugAsync(http.GetActor(), projectId.Trim(), slug!);
        return TypedResults.Ok(new EnvironmentBySlugResponse(env, env.Id, env.Name, env.Slug, env.Position, env.ProjectId, env.CreatedAt, env.UpdatedAt));
    }
}
