using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Environments;

public static class EnvironmentEndpoints
{
    public static void MapEnvironments(this IEndpointRouteBuilder app)
    {
        // The SDK calls the deprecated /api/v1/workspace form; both map to the same handlers.
        foreach (var prefix in new[] { "/api/v1/projects/{projectId}/environments", "/api/v1/workspace/{projectId}/environments" })
        {
            var group = app.MapGroup(prefix).RequireActor().WithTags("Environments");

            group.MapPost("", async (HttpContext http, string projectId, EnvironmentService service) =>
            {
                var body = await JsonBody.ReadInputAsync(http.Request);
                var name = body.String("name", trim: true, min: 1);
                var slug = Slug.Read(body, "slug", max: 64);
                var position = body.Integer("position", min: 1);
                body.ThrowIfInvalid();
                var actor = http.GetActor();
                var env = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), name!, slug!, position);
                return TypedResults.Ok(new EnvironmentChangeResponse("Successfully created new environment", env.ProjectId, env));
            }).WithSummary("Create environment");

            group.MapPatch("/{envId}", async (HttpContext http, string projectId, string envId, EnvironmentService service) =>
            {
                var body = await JsonBody.ReadInputAsync(http.Request);
                var slug = Slug.Read(body, "slug", required: false, max: 64);
                var name = body.String("name", required: false, trim: true, min: 1);
                var position = body.Integer("position", min: 1);
                body.ThrowIfInvalid();
                var actor = http.GetActor();
                var env = await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), envId.Trim(), name, slug, position);
                return TypedResults.Ok(new EnvironmentChangeResponse("Successfully updated environment", env.ProjectId, env));
            }).WithSummary("Update environment");

            group.MapDelete("/{envId}", async (HttpContext http, string projectId, string envId, EnvironmentService service) =>
            {
                var actor = http.GetActor();
                var env = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), envId.Trim());
                return TypedResults.Ok(new EnvironmentChangeResponse("Successfully deleted environment", env.ProjectId, env));
            }).WithSummary("Delete environment");

            group.MapGet("/{envId}", async (HttpContext http, string projectId, string envId, EnvironmentService service) =>
                TypedResults.Ok(new EnvironmentEnvelope(await service.GetAsync(http.GetActor(), projectId.Trim(), envId.Trim()))))
                .WithSummary("Get environment");
        }
    }
}
