using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>
/// Every path form of spec §9.1: A (/api/v1/projects/…/identity-memberships), B (the deprecated /api/v2/workspace
/// twins) and C (/api/v1/projects/…/memberships/identities). All call <see cref="MembershipService"/>.
/// </summary>
public static class MembershipEndpoints
{
    public static void MapIdentityMemberships(this IEndpointRouteBuilder app)
    {
        MapLegacyForm(app, "/api/v1/projects", RouteForm.ProjectsV1, "Project Identities");
        MapLegacyForm(app, "/api/v2/workspace", RouteForm.WorkspaceV2, "Project Identities (deprecated)");

        var c = app.MapGroup("/api/v1/projects/{projectId}/memberships/identities").RequireActor().WithTags("Identity Project Memberships");
        c.MapPost("/{identityId}", CreateAsync).WithSummary("Create project identity membership");
        c.MapPatch("/{identityId}", async (HttpContext http, string projectId, string identityId, MembershipService service) =>
        {
            var (membership, _) = await UpdateAsync(http, projectId, identityId, service);
            return TypedResults.Ok(new MembershipEnvelope<MembershipDto>(membership));
        }).WithSummary("Update project identity memberships");
        c.MapDelete("/{identityId}", DeleteAsync).AsSeedOperation();
        c.MapGet("", async (HttpContext http, string projectId, MembershipService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var offset = query.Integer("offset", min: 0, fallback: 0);
            var limit = query.Integer("limit", min: 1, max: 1000, fallback: 20);
            var name = query.String("identityName", required: false, trim: true);
            var roles = query.String("roles", required: false);
            query.ThrowIfInvalid();
            var slugs = roles?.Split(',').Select(r => r.Trim()).ToList();
            return TypedResults.Ok(await service.ListAsync(http.GetActor(), projectId.Trim(), RouteForm.Memberships, (int)offset!, (int)limit!,
                name, descending: false, slugs));
        }).WithSummary("List project identity memberships");
        c.MapGet("/{identityId}", async (HttpContext http, string projectId, string identityId, MembershipService service) =>
            TypedResults.Ok(new MembershipEnvelope<System.Text.Json.Nodes.JsonObject>(
                await service.GetAsync(http.GetActor(), projectId.Trim(), identityId.Trim(), RouteForm.Memberships))))
            .WithSummary("Get project identity membership by identity ID");
    }

    private static void MapLegacyForm(IEndpointRouteBuilder app, string prefix, RouteForm form, string tag)
    {
        var group = app.MapGroup(prefix).RequireActor().WithTags(tag);
        group.MapPost("/{projectId}/identity-memberships/{identityId}", CreateAsync).WithSummary("Create identity membership");
        group.MapPatch("/{projectId}/identity-memberships/{identityId}", async (HttpContext http, string projectId, string identityId, MembershipService service) =>
        {
            var (_, roles) = await UpdateAsync(http, projectId, identityId, service);
            return TypedResults.Ok(new UpdatedRolesResponse(roles.Select(UpdatedRoleDto.From).ToList()));
        }).WithSummary("Update identity membership");
        group.MapDelete("/{projectId}/identity-memberships/{identityId}", DeleteAsync).AsSeedOperation();
        group.MapGet("/{projectId}/identity-memberships", async (HttpContext http, string projectId, MembershipService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var offset = query.Integer("offset", min: 0, fallback: 0);
            var limit = query.Integer("limit", min: 1, max: 20000, fallback: 100);
            query.Enum("orderBy", ["name"], "name");
            var direction = query.Enum("orderDirection", ["asc", "desc"], "asc");
            var search = query.String("search", required: false);
            query.ThrowIfInvalid();
            return TypedResults.Ok(await service.ListAsync(http.GetActor(), projectId.Trim(), form, (int)offset!, (int)limit!, search,
                direction == "desc", null));
        }).WithSummary("List project identity memberships");
        group.MapGet("/{projectId}/identity-memberships/{identityId}", async (HttpContext http, string projectId, string identityId, MembershipService service) =>
            TypedResults.Ok(new MembershipEnvelope<System.Text.Json.Nodes.JsonObject>(
                await service.GetAsync(http.GetActor(), projectId.Trim(), identityId.Trim(), form))))
            .WithSummary("Get project identity membership");
        group.MapGet("/identity-memberships/{identityMembershipId}", async (HttpContext http, string identityMembershipId, MembershipService service) =>
            TypedResults.Ok(new MembershipEnvelope<System.Text.Json.Nodes.JsonObject>(
                await service.GetByIdAsync(http.GetActor(), identityMembershipId.Trim(), form))))
            .WithSummary("Get project identity membership by membership id");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string projectId, string identityId, MembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var role = body.String("role", required: false, trim: true, fallback: "no-access");
        var roles = RoleAssignmentReader.Read(body, "roles");
        body.ThrowIfInvalid();
        if (string.IsNullOrEmpty(role) && roles is null) throw new BadRequestException("You must provide either role or roles field");
        var actor = http.GetActor();
        var membership = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), identityId.Trim(),
            roles ?? [new RoleAssignment(role!, false)]);
        return TypedResults.Ok(new MembershipEnvelope<MembershipDto>(membership));
    }

    private static async Task<(MembershipDto, IReadOnlyList<MembershipRoleRow>)> UpdateAsync(HttpContext http, string projectId,
        string identityId, MembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var roles = RoleAssignmentReader.Read(body, "roles", min: 1);
        if (roles is null && body.IsValid) body.AddIssue(Input.TypeIssue(body.PathOf("roles"), "array", "undefined"));
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        return await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId.Trim(), identityId.Trim(), roles!);
    }

    /// <summary>
    /// Documents a delete route as the founding Delete Identity Membership reference page does: its description, its
    /// parameter texts and its closed 200 schema (the error responses come with every authenticated route).
    /// </summary>
    private static RouteHandlerBuilder AsSeedOperation(this RouteHandlerBuilder route) => route
        .WithDescription("Delete project identity memberships")
        .WithParameterDescriptions(new Dictionary<string, string>
        {
            ["projectId"] = "The ID of the project to delete the identity membership from.",
            ["identityId"] = "The ID of the machine identity to delete the membership from.",
        })
        .WithResponseSchema(200, """
            {
              "type": "object",
              "properties": {
                "identityMembership": {
                  "type": "object",
                  "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "projectId": { "type": "string" },
                    "identityId": { "type": "string", "format": "uuid" },
                    "createdAt": { "type": "string", "format": "date-time" },
                    "updatedAt": { "type": "string", "format": "date-time" }
                  },
                  "required": ["id", "projectId", "identityId", "createdAt", "updatedAt"],
                  "additionalProperties": false
                }
              },
              "required": ["identityMembership"],
              "additionalProperties": false
            }
            """);

    private static async Task<IResult> DeleteAsync(HttpContext http, string projectId, string identityId, MembershipService service)
    {
        var actor = http.GetActor();
        var membership = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), identityId.Trim());
        return TypedResults.Ok(new MembershipEnvelope<MembershipDto>(membership));
    }
}
