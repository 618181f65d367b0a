using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

/// <summary>
/// Custom project roles under <c>/api/v1/projects/{projectId}/roles</c>, its deprecated twin
/// <c>/api/v2/workspace/{projectId}/roles</c> (Terraform's <c>infisical_project_role</c> with <c>permissions_v2</c>), the
/// project-slug routes <c>/api/v1/workspace/{projectSlug}/roles</c> that take and show rules in the V1 form (the same
/// resource with <c>permissions</c>), and a role by id alone (Terraform's import).
/// </summary>
public static class ProjectRoleEndpoints
{
    public static void MapProjectRoles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Project Roles");

        group.MapPost("/api/v1/projects/{projectId}/roles", CreateAsync).WithSummary("Create a project role");
        group.MapPatch("/api/v1/projects/{projectId}/roles/{roleId}", UpdateAsync).WithSummary("Update a project role");
        group.MapDelete("/api/v1/projects/{projectId}/roles/{roleId}", DeleteAsync).WithSummary("Delete a project role");
        group.MapGet("/api/v1/projects/{projectId}/roles", ListAsync).WithSummary("List project roles");
        group.MapGet("/api/v1/projects/{projectId}/roles/slug/{roleSlug}", GetBySlugAsync).WithSummary("Get a project role by slug");

        group.MapPost("/api/v2/workspace/{projectId}/roles", CreateAsync).WithSummary("Create a project role");
        group.MapPatch("/api/v2/workspace/{projectId}/roles/{roleId}", UpdateAsync).WithSummary("Update a project role");
        group.MapDelete("/api/v2/workspace/{projectId}/roles/{roleId}", DeleteAsync).WithSummary("Delete a project role");
        group.MapGet("/api/v2/workspace/{projectId}/roles", ListAsync).WithSummary("List project roles");
        group.MapGet("/api/v2/workspace/{projectId}/roles/slug/{roleSlug}", GetBySlugAsync).WithSummary("Get a project role by slug");

        group.MapGet("/api/v1/projects/roles/{roleId}", async (HttpContext http, string roleId, ProjectRoleService service) =>
            TypedResults.Ok(new JsonObject { ["role"] = await service.GetByIdAsync(http.GetActor(), roleId.Trim()) }))
            .WithSummary("Get a project role by ID");

        group.MapPost("/api/v1/workspace/{projectSlug}/roles", CreateV1Async).WithSummary("Create a project role");
        group.MapPatch("/api/v1/workspace/{projectSlug}/roles/{roleId}", UpdateV1Async).WithSummary("Update a project role");
        group.MapDelete("/api/v1/workspace/{projectSlug}/roles/{roleId}", DeleteV1Async).WithSummary("Delete a project role");
        group.MapGet("/api/v1/workspace/{projectSlug}/roles", ListV1Async).WithSummary("List project role");
        group.MapGet("/api/v1/workspace/{projectSlug}/roles/slug/{slug}", GetBySlugV1Async).WithSummary("Get a project role by slug");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string projectId, ProjectRoleService service)
    {
        var input = await ReadAsync(http, creating: true, RoleForm.Current);
        var actor = http.GetActor();
        return Role(await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), input));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string projectId, string roleId, ProjectRoleService service)
    {
        var input = await ReadAsync(http, creating: false, RoleForm.Current);
        var actor = http.GetActor();
        return Role(await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), roleId.Trim(), input));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string projectId, string roleId, ProjectRoleService service)
    {
        var actor = http.GetActor();
        return Role(await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), roleId.Trim()));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string projectId, ProjectRoleService service) =>
        TypedResults.Ok(new JsonObject { ["roles"] = await service.ListAsync(http.GetActor(), projectId.Trim()) });

    private static async Task<IResult> GetBySlugAsync(HttpContext http, string projectId, string roleSlug, ProjectRoleService service) =>
        Role(await service.GetBySlugAsync(http.GetActor(), projectId.Trim(), roleSlug.Trim()));

    // The project-slug routes: the slug is resolved in the caller's organization first (404 when absent), as
    // Infisical's projectSlugToId, and the body is read before that, so a bad body is a 422 whatever the slug.
    private static async Task<IResult> CreateV1Async(HttpContext http, string projectSlug, ProjectRoleService service, ProjectService projects)
    {
        var input = await ReadAsync(http, creating: true, RoleForm.V1);
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug.Trim());
        return Role(await service.CreateAsync(actor, AuditContext.From(http, actor), projectId, input, RoleForm.V1));
    }

    private static async Task<IResult> UpdateV1Async(HttpContext http, string projectSlug, string roleId, ProjectRoleService service, ProjectService projects)
    {
        var input = await ReadAsync(http, creating: false, RoleForm.V1);
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug.Trim());
        return Role(await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId, roleId.Trim(), input, RoleForm.V1));
    }

    private static async Task<IResult> DeleteV1Async(HttpContext http, string projectSlug, string roleId, ProjectRoleService service, ProjectService projects)
    {
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug.Trim());
        return Role(await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId, roleId.Trim(), RoleForm.V1));
    }

    private static async Task<IResult> ListV1Async(HttpContext http, string projectSlug, ProjectRoleService service, ProjectService projects)
    {
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug.Trim());
        return TypedResults.Ok(new JsonObject { ["roles"] = await service.ListAsync(actor, projectId) });
    }

    private static async Task<IResult> GetBySlugV1Async(HttpContext http, string projectSlug, string slug, ProjectRoleService service, ProjectService projects)
    {
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug.Trim());
        return Role(await service.GetBySlugAsync(actor, projectId, slug.Trim(), RoleForm.V1));
    }

    private static IResult Role(JsonObject role) => TypedResults.Ok(new JsonObject { ["role"] = role });

    private static async Task<RoleInput> ReadAsync(HttpContext http, bool creating, RoleForm form) =>
        RoleInputs.Read(await JsonBody.ReadInputAsync(http.Request), creating, form);
}
