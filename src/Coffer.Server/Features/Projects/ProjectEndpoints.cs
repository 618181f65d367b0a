using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Projects;

public static class ProjectEndpoints
{
    private static readonly string[] ProjectTypes = ["secret-manager", "cert-manager", "kms", "ssh", "secret-scanning", "pam"];

    public static void MapProjects(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1/projects").RequireActor().WithTags("Projects");
        v1.MapPost("", CreateAsync).WithSummary("Create a new project");
        v1.MapGet("", ListAsync).WithSummary("List projects");
        v1.MapGet("/{projectId}", async (HttpContext http, string projectId, ProjectService service) =>
            TypedResults.Ok(new ProjectEnvelope(await service.GetAsync(http.GetActor(), projectId.Trim())))).WithSummary("Get project");
        v1.MapGet("/slug/{slug}", async (HttpContext http, string slug, ProjectService service) =>
            TypedResults.Ok(await service.GetBySlugAsync(http.GetActor(), slug.Trim().ToLowerInvariant()))).WithSummary("Get project details by slug");
        v1.MapPatch("/{projectId}", UpdateAsync).WithSummary("Update project");
        v1.MapDelete("/{projectId}", async (HttpContext http, string projectId, ProjectService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new ProjectEnvelope(await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim())));
        }).WithSummary("Delete project");

        // Deprecated forms that the SDK and older clients still call.
        var v2 = app.MapGroup("/api/v2/workspace").RequireActor().WithTags("Projects (deprecated)");
        v2.MapPost("", CreateAsync).WithSummary("Create a new project (deprecated path)");
        v2.MapGet("/{slug}", async (HttpContext http, string slug, ProjectService service) =>
            TypedResults.Ok(await service.GetBySlugAsync(http.GetActor(), slug.Trim().ToLowerInvariant()))).WithSummary("Get project by slug (deprecated)");
        v2.MapDelete("/{slug}", async (HttpContext http, string slug, ProjectService service) =>
        {
            var actor = http.GetActor();
            var project = await service.GetBySlugAsync(actor, slug.Trim().ToLowerInvariant());
            return TypedResults.Ok(await service.DeleteAsync(actor, AuditContext.From(http, actor), project.Id));
        }).WithSummary("Delete project by slug (deprecated)");

        var v1Workspace = app.MapGroup("/api/v1/workspace").RequireActor().WithTags("Projects (deprecated)");
        v1Workspace.MapGet("", async (HttpContext http, ProjectService service) =>
        {
            var projects = await ListProjectsAsync(http, service);
            return TypedResults.Ok(new System.Text.Json.Nodes.JsonObject
            {
                ["workspaces"] = new System.Text.Json.Nodes.JsonArray([.. projects.Select(p => (System.Text.Json.Nodes.JsonNode)WorkspaceJson.Of(p))]),
            });
        }).WithSummary("List projects (deprecated path)");
        v1Workspace.MapGet("/{projectId}", async (HttpContext http, string projectId, ProjectService service) =>
            TypedResults.Ok(new System.Text.Json.Nodes.JsonObject { ["workspace"] = WorkspaceJson.Of(await service.GetAsync(http.GetActor(), projectId.Trim())) }))
            .WithSummary("Get project (deprecated path)");
        app.MapPut("/api/v1/workspace/{workspaceSlug}/audit-logs-retention", SetAuditLogsRetentionAsync)
            .RequireActor().WithTags("Projects (deprecated)").WithSummary("Set how long the project's audit logs are kept");
    }

    private static async Task<IResult> SetAuditLogsRetentionAsync(HttpContext http, string workspaceSlug, ProjectService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var days = body.Integer("auditLogsRetentionDays", min: 0, required: true);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var project = await service.SetAuditLogsRetentionAsync(actor, AuditContext.From(http, actor), workspaceSlug.Trim(), days!.Value);
        return TypedResults.Ok(new MessageAndWorkspace("Successfully updated project's audit logs retention period", project));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ProjectService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var name = body.String("projectName", trim: true, min: 1, max: 64);
        var description = body.String("projectDescription", required: false, trim: true, max: 1024);
        var slug = Slug.Read(body, "slug", required: false, min: 5, max: 36);
        body.String("kmsKeyId", required: false);
        var template = Slug.Read(body, "template", required: false, max: 64, field: "Template Name") ?? "default";
        var type = body.Enum("type", ProjectTypes, "secret-manager");
        var createEnvs = body.Boolean("shouldCreateDefaultEnvs", fallback: true);
        var protection = body.Boolean("hasDeleteProtection", fallback: false);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var project = await service.CreateAsync(actor, AuditContext.From(http, actor),
            new CreateProjectRequest(name!, description, slug, template, type!, createEnvs!.Value, protection!.Value));
        return TypedResults.Ok(new ProjectEnvelope(project));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ProjectService service) =>
        TypedResults.Ok(new ProjectListResponse(await ListProjectsAsync(http, service)));

    private static async Task<IReadOnlyList<ProjectDto>> ListProjectsAsync(HttpContext http, ProjectService service)
    {
        var query = Input.ForQuery(http.Request.Query);
        query.BooleanString("includeRoles", false);
        var type = query.Enum("type", ProjectTypes);
        query.ThrowIfInvalid();
        return await service.ListAsync(http.GetActor(), type);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string projectId, ProjectService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var request = new UpdateProjectRequest(
            body.String("name", required: false, trim: true, min: 1, max: 64),
            body.String("description", required: false, trim: true, max: 1024),
            body.Boolean("autoCapitalization"),
            body.Boolean("hasDeleteProtection"),
            body.Boolean("enforceEncryptedSecretManagerSecretMetadata"),
            Slug.Read(body, "slug", required: false, min: 1, max: 64),
            body.Boolean("secretSharing"),
            body.Boolean("showSnapshotsLegacy"),
            body.Strings("secretDetectionIgnoreValues"),
            body.Integer("pitVersionLimit", min: 1, max: 100));
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        return TypedResults.Ok(new ProjectEnvelope(await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), request)));
    }
}
