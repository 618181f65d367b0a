using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.UserMemberships;

/// <summary>
/// Users' project memberships under <c>/api/v1/projects/{projectId}/memberships</c> and the deprecated
/// <c>/api/v1/workspace/{projectId}/memberships</c> (same handlers), the SDK's and Terraform's invite and bulk removal
/// also under <c>/api/v2/workspace/{projectId}/memberships</c>, and a user's membership by user id.
/// </summary>
public static class UserMembershipEndpoints
{
    public static void MapUserMemberships(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Project Users");

        group.MapPost("/api/v1/projects/{projectId}/memberships", AddAsync).WithSummary("Invite members to project");
        group.MapPost("/api/v1/workspace/{projectId}/memberships", AddAsync).WithSummary("Invite members to project");
        group.MapPost("/api/v2/workspace/{projectId}/memberships", AddAsync).WithSummary("Invite members to project");
        group.MapDelete("/api/v1/projects/{projectId}/memberships", RemoveAsync).WithSummary("Remove members from project");
        group.MapDelete("/api/v1/workspace/{projectId}/memberships", RemoveAsync).WithSummary("Remove members from project");
        group.MapDelete("/api/v2/workspace/{projectId}/memberships", RemoveAsync).WithSummary("Remove members from project");

        group.MapGet("/api/v1/projects/{projectId}/memberships", ListAsync).WithSummary("Return project user memberships");
        group.MapGet("/api/v1/workspace/{projectId}/memberships", ListAsync).WithSummary("Return project user memberships");
        group.MapGet("/api/v1/projects/{projectId}/memberships/{membershipId}", GetAsync).WithSummary("Return project user membership");
        group.MapGet("/api/v1/workspace/{projectId}/memberships/{membershipId}", GetAsync).WithSummary("Return project user membership");
        group.MapPost("/api/v1/projects/{projectId}/memberships/details", DetailsAsync).WithSummary("Return project user membership by username");
        group.MapPost("/api/v1/workspace/{projectId}/memberships/details", DetailsAsync).WithSummary("Return project user membership by username");
        group.MapPatch("/api/v1/projects/{projectId}/memberships/{membershipId}", UpdateAsync).WithSummary("Update project user membership");
        group.MapPatch("/api/v1/workspace/{projectId}/memberships/{membershipId}", UpdateAsync).WithSummary("Update project user membership");
        group.MapDelete("/api/v1/projects/{projectId}/memberships/{membershipId}", DeleteAsync).WithSummary("Delete project user membership");
        group.MapDelete("/api/v1/workspace/{projectId}/memberships/{membershipId}", DeleteAsync).WithSummary("Delete project user membership");

        group.MapGet("/api/v1/projects/{projectId}/user/{userId}/membership", async (HttpContext http, string projectId, string userId,
            UserMembershipService service) =>
            Membership(await service.GetByUserIdAsync(http.GetActor(), projectId.Trim(), userId.Trim())))
            .WithSummary("Return a user's project membership");
    }

    private static async Task<IResult> AddAsync(HttpContext http, string projectId, UserMembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var names = ReadNames(body);
        var roleSlugs = body.Strings("roleSlugs", min: 1, trim: true);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var memberships = await service.AddAsync(actor, AuditContext.From(http, actor), projectId.Trim(), names, roleSlugs ?? ["member"]);
        return TypedResults.Ok(new UserMembershipList(memberships));
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, string projectId, UserMembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var names = ReadNames(body);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        return TypedResults.Ok(new UserMembershipList(await service.DeleteByNamesAsync(actor, AuditContext.From(http, actor), projectId.Trim(), names)));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string projectId, UserMembershipService service) =>
        TypedResults.Ok(new System.Text.Json.Nodes.JsonObject { ["memberships"] = await service.ListAsync(http.GetActor(), projectId.Trim()) });

    private static async Task<IResult> GetAsync(HttpContext http, string projectId, string membershipId, UserMembershipService service) =>
        Membership(await service.GetAsync(http.GetActor(), projectId.Trim(), membershipId.Trim()));

    private static async Task<IResult> DetailsAsync(HttpContext http, string projectId, UserMembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var username = body.String("username", trim: true, min: 1);
        body.ThrowIfInvalid();
        return Membership(await service.GetByUsernameAsync(http.GetActor(), projectId.Trim(), username!));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string projectId, string membershipId, UserMembershipService service)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var roles = RoleAssignmentReader.Read(body, "roles", min: 1);
        if (roles is null && body.IsValid) body.AddIssue(Input.TypeIssue(body.PathOf("roles"), "array", "undefined"));
        if (roles is not null && roles.All(r => r.IsTemporary)) body.Fail("At least one long lived role is required", "roles");
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var updated = await service.UpdateRolesAsync(actor, AuditContext.From(http, actor), projectId.Trim(), membershipId.Trim(), roles!);
        return TypedResults.Ok(new UpdatedRolesResponse([.. updated.Select(UpdatedRoleDto.From)]));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string projectId, string membershipId, UserMembershipService service)
    {
        var actor = http.GetActor();
        var membership = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId.Trim(), membershipId.Trim());
        return TypedResults.Ok(new { membership });
    }

    private static IResult Membership(System.Text.Json.Nodes.JsonObject membership) =>
        TypedResults.Ok(new System.Text.Json.Nodes.JsonObject { ["membership"] = membership });

    /// <summary><c>emails</c> (each an email) and <c>usernames</c>, lower-case as Infisical requires, together.</summary>
    private static IReadOnlyList<string> ReadNames(Input body)
    {
        var emails = body.Strings("emails", trim: true) ?? [];
        var usernames = body.Strings("usernames", trim: true) ?? [];
        for (var i = 0; i < emails.Count; i++)
        {
            if (!emails[i].Contains('@', StringComparison.Ordinal) || emails[i].StartsWith('@') || emails[i].EndsWith('@'))
                body.AddIssue(new ValidationIssue("invalid_string", [.. body.PathOf("emails"), i], "Invalid email") { Extra = new() { ["validation"] = "email" } });
        }
        if (emails.Any(e => e.Any(char.IsUpper))) body.Fail("Email must be lowercase", "emails");
        if (usernames.Any(u => u.Any(char.IsUpper))) body.Fail("Username must be lowercase", "usernames");
        return [.. emails, .. usernames];
    }
}
