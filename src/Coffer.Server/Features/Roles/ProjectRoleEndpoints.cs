using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

public static class ProjectRoleEndpoints
{
    public static void MapProjectRoles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/projects/{projectId}/roles").RequireActor().WithTags("Project Roles");

        group.MapPost("", async (HttpContext http, string projectId, ProjectRoleService service) =>
        {
            var input = await ReadAsync(http, creating: true);
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject { ["role"] = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), input) });
        }).WithSummary("Create a project role");

        group.MapPatch("/{roleId}", async (HttpContext http, string projectId, string roleId, ProjectRoleService service) =>
        {
            var input = await ReadAsync(http, creating: false);
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject { ["role"] = await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), roleId.Trim(), input) });
        }).WithSummary("Update a project role");

        group.MapDelete("/{roleId}", async (HttpContext http, string projectId, string roleId, ProjectRoleService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject { ["role"] = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), roleId.Trim()) });
        }).WithSummary("Delete a project role");

        group.MapGet("", async (HttpContext http, string projectId, ProjectRoleService service) =>
            TypedResults.Ok(new JsonObject { ["roles"] = await service.ListAsync(http.GetActor(), projectId.Trim()) }))
            .WithSummary("List project roles");

        group.MapGet("/slug/{roleSlug}", async (HttpContext http, string projectId, string roleSlug, ProjectRoleService service) =>
            TypedResults.Ok(new JsonObject { ["role"] = await service.GetBySlugAsync(http.GetActor(), projectId.Trim(), roleSlug.Trim()) }))
            .WithSummary("Get a project role by slug");
    }

    private static async Task<RoleInput> ReadAsync(HttpContext http, bool creating)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var slug = Slug.Read(body, "slug", required: creating, min: 1, max: 64);
        if (slug is not null && ProjectRoles.IsReservedSlug(slug)) body.Fail(ProjectRoles.ReservedSlugMessage, "slug");
        var name = body.String("name", required: creating, trim: true, min: 1);
        var description = body.String("description", required: false, nullable: true);
        IReadOnlyList<PermissionRule>? rules = null;
        if (creating || body.Has("permissions"))
        {
            var validation = PermissionJson.ValidateProject(body.Raw("permissions"), body.PathOf("permissions"));
            foreach (var issue in validation.Issues) body.AddIssue(issue);
            rules = validation.Rules;
        }
        body.ThrowIfInvalid();
        if (rules is not null) PermissionJson.ThrowIfLegacyReadMixed(rules);
        return new RoleInput(slug, name, description, body.Has("description"), rules);
    }
}
