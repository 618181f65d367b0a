using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>
/// Every path form of spec §9.1, each written out whole: A (/api/v1/projects/…/identity-memberships), B (its
/// deprecated /api/v2/workspace twin) and C (/api/v1/projects/…/memberships/identities). All call
/// <see cref="MembershipService"/>; the forms differ only in their list limits and in the shape of a few answers
/// (<see cref="RouteForm"/>).
/// </summary>
public static class MembershipEndpoints
{
    public static void MapIdentityMemberships(this IEndpointRouteBuilder app)
    {
        var a = app.MapGroup("").RequireActor().WithTags("Project Identities");
        a.MapPost("/api/v1/projects/{projectId}/identity-memberships/{identityId}", CreateAsync).WithSummary("Create identity membership");
        a.MapPatch("/api/v1/projects/{projectId}/identity-memberships/{identityId}", UpdateRolesAsync).WithSummary("Update identity membership");
        a.MapDelete("/api/v1/projects/{projectId}/identity-memberships/{identityId}", DeleteAsync).AsSeedOperation();
        a.MapGet("/api/v1/projects/{projectId}/identity-memberships", (HttpContext http, string projectId, MembershipService service) =>
            ListAsync(http, projectId, service, RouteForm.ProjectsV1)).WithSummary("List project identity memberships");
        a.MapGet("/api/v1/projects/{projectId}/identity-memberships/{identityId}", (HttpContext http, string projectId, string identityId,
            MembershipService service) => GetAsync(http, projectId, identityId, service, RouteForm.ProjectsV1)).WithSummary("Get project identity membership");
        a.MapGet("/api/v1/projects/identity-memberships/{identityMembershipId}", (HttpContext http, string identityMembershipId,
            MembershipService service) => GetByIdAsync(http, identityMembershipId, service, RouteForm.ProjectsV1))
            .WithSummary("Get project identity membership by membership id");

        var b = app.MapGroup("").RequireActor().WithTags("Project Identities (deprecated)");
        b.MapPost("/api/v2/workspace/{projectId}/identity-memberships/{identityId}", CreateAsync).WithSummary("Create identity membership");
        b.MapPatch("/api/v2/workspace/{projectId}/identity-memberships/{identityId}", UpdateRolesAsync).WithSummary("Update identity membership");
        b.MapDelete("/api/v2/workspace/{projectId}/identity-memberships/{identityId}", DeleteAsync).AsSeedOperation();
        b.MapGet("/api/v2/workspace/{projectId}/identity-memberships", (HttpContext http, string projectId, MembershipService service) =>
            ListAsync(http, projectId, service, RouteForm.WorkspaceV2)).WithSummary("List project identity memberships");
        b.MapGet("/api/v2/workspace/{projectId}/identity-memberships/{identityId}", (HttpContext http, string projectId, string identityId,
            MembershipService service) => GetAsync(http, projectId, identityId, service, RouteForm.WorkspaceV2)).WithSummary("Get project identity membership");
        b.MapGet("/api/v2/workspace/identity-memberships/{identityMembershipId}", (HttpContext http, string identityMembershipId,
            MembershipService service) => GetByIdAsync(http, identityMembershipId, service, RouteForm.WorkspaceV2))
            .WithSummary("Get project identity membership by membership id");

        var c = app.MapGroup("").RequireActor().WithTags("Identity Project Memberships");
        c.MapPost("/api/v1/projects/{projectId}/memberships/identities/{identityId}", CreateAsync).WithSummary("Create project identity membership");
        c.MapPatch("/api/v1/projects/{projectId}/memberships/identities/{identityId}", UpdateMembershipAsync)
            .WithSummary("Update project identity memberships");
        c.MapDelete("/api/v1/projects/{projectId}/memberships/identities/{identityId}", DeleteAsync).AsSeedOperation();
        c.MapGet("/api/v1/projects/{projectId}/memberships/identities", ListMembershipsAsync).WithSummary("List project identity memberships");
        c.MapGet("/api/v1/projects/{projectId}/memberships/identities/{identityId}", (HttpContext http, string projectId, string identityId,
            MembershipService service) => GetAsync(http, projectId, identityId, service, RouteForm.Memberships))
            .WithSummary("Get project identity membership by identity ID");
    }

    /// <summary>Forms A and B: offset, limit up to 20 000, a name search and its order.</summary>
    private static async Task<IResult> ListAsync(HttpContext http, string projectId, MembershipService service, RouteForm form)
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
    }

    /// <summary>Form C: offset, limit up to 1 000, an identity-name filter and a role filter.</summary>
    private static async Task<IResult> ListMembershipsAsync(HttpContext http, string projectId, MembershipService service)
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
    }

    private static async Task<IResult> GetAsync(HttpContext http, string projectId, string identityId, MembershipService service, RouteForm form) =>
        TypedResults.Ok(new MembershipEnvelope<System.Text.Json.Nodes.JsonObject>(
            await service.GetAsync(http.GetActor(), projectId.Trim(), identityId.Trim(), form)));

    private static async Task<IResult> GetByIdAsync(HttpContext http, string identityMembershipId, MembershipService service, RouteForm form) =>
        TypedResults.Ok(new MembershipEnvelope<System.Text.Json.Nodes.JsonObject>(
            await service.GetByIdAsync(http.GetActor(), identityMembershipId.Trim(), form)));

    /// <summary>Forms A and B answer an update with the roles it set.</summary>
    private static async Task<IResult> UpdateRolesAsync(HttpContext http, string projectId, string identityId, MembershipService service)
    {
        var (_, roles) = await UpdateAsync(http, projectId, identityId, service);
        return TypedResults.Ok(new UpdatedRolesResponse(roles.Select(UpdatedRoleDto.From).ToList()));
    }

    /// <summary>Form C answers an update with the membership.</summary>
    private static async Task<IResult> UpdateMembershipAsync(HttpContext http, string projectId, string identityId, MembershipService service)
    {
        var (membership, _) = await UpdateAsync(http, projectId, identityId, service);
        return TypedResults.Ok(new MembershipEnvelope<MembershipDto>(membership));
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
