using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Projects;

/// <summary>
/// Users' project memberships in the order Terraform's <c>infisical_project_user</c> calls them: invite by username,
/// read by username, set roles, read by user id, remove. The organization's second user comes in through an invitation
/// (Infrastructure/OrgUsers).
/// </summary>
public sealed class UserMembershipTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private Task<(string Id, string Username)> OrgUserAsync() => OrgUsers.AddAsync(fx, "dev");

    [Fact]
    public async Task Terraforms_lifecycle_invite_read_set_roles_read_by_id_remove()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (userId, username) = await OrgUserAsync();

        var invited = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { projectId, usernames = new[] { username } }, fx.AdminToken);
        Expect.Ok(invited);
        var membership = Assert.Single(invited.Json["memberships"]!.AsArray())!.AsObject();
        Expect.Keys(membership, "id", "userId", "projectId", "createdAt", "updatedAt");
        Assert.Equal([userId, projectId], new[] { "userId", "projectId" }.Select(k => membership[k]!.GetValue<string>()));
        var membershipId = membership["id"]!.GetValue<string>();
        // Inviting someone already in the project changes nothing and lists nobody; the provider then reads by username.
        var again = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { username } }, fx.AdminToken);
        Assert.Empty(again.Json["memberships"]!.AsArray());

        var details = await Api.PostAsync($"/api/v1/workspace/{projectId}/memberships/details", new { projectId, username }, fx.AdminToken);
        Expect.Ok(details);
        var detail = details.Json["membership"]!.AsObject();
        Expect.Keys(detail, "id", "userId", "projectId", "user", "roles");
        Expect.Keys(detail["user"]!.AsObject(), "email", "firstName", "lastName", "id", "publicKey");
        Assert.Equal(membershipId, detail["id"]!.GetValue<string>());
        Assert.Equal("member", detail["roles"]![0]!["role"]!.GetValue<string>());

        var updated = await Api.PatchAsync($"/api/v1/workspace/{projectId}/memberships/{membershipId}", new
        {
            projectId,
            membershipId,
            roles = new object[] { new { role = "viewer", isTemporary = false } },
        }, fx.AdminToken);
        Expect.Ok(updated);
        var role = Assert.Single(updated.Json["roles"]!.AsArray())!.AsObject();
        Assert.Equal(["viewer", membershipId], new[] { "role", "projectMembershipId" }.Select(k => role[k]!.GetValue<string>()));

        var byUserId = await Api.GetAsync($"/api/v1/projects/{projectId}/user/{userId}/membership", fx.AdminToken);
        Expect.Ok(byUserId);
        Assert.Equal(username, byUserId.Json["membership"]!["user"]!["username"]!.GetValue<string>());
        Assert.Equal("viewer", byUserId.Json["membership"]!["roles"]![0]!["role"]!.GetValue<string>());
        var list = await Api.GetAsync($"/api/v1/projects/{projectId}/memberships", fx.AdminToken);
        Assert.Contains(list.Json["memberships"]!.AsArray(), m => m!["id"]!.GetValue<string>() == membershipId);
        Assert.True(JsonNode.DeepEquals(byUserId.Json, await GetJsonAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}")));

        var removed = await Api.SendAsync(HttpMethod.Delete, $"/api/v2/workspace/{projectId}/memberships", new { projectId, usernames = new[] { username } },
            fx.AdminToken);
        Expect.Ok(removed);
        Assert.Equal(membershipId, Assert.Single(removed.Json["memberships"]!.AsArray())!["id"]!.GetValue<string>());
        Expect.Error(await Api.PostAsync($"/api/v1/workspace/{projectId}/memberships/details", new { username }, fx.AdminToken), 404, "NotFound",
            $"Project membership for user with username '{username}' not found");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/user/{userId}/membership", fx.AdminToken), 404, "NotFound",
            $"Project membership for user with ID '{userId}' not found");
    }

    private async Task<JsonNode> GetJsonAsync(string path) => (await Api.GetAsync(path, fx.AdminToken)).Json;

    [Fact]
    public async Task Only_the_organizations_users_with_roles_the_caller_may_grant()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, username) = await OrgUserAsync();
        // An unknown name is invited into the organization, so it must be an address.
        Expect.Error(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { "nobody" } }, fx.AdminToken),
            400, "BadRequest", "Invalid emails: nobody");
        Expect.Validation(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { "Dev@Example.com" } }, fx.AdminToken),
            Issue.Custom(["usernames"], "Username must be lowercase"));
        Expect.Error(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { username }, roleSlugs = new[] { "nope" } },
            fx.AdminToken), 404, "NotFound", $"Specified roles 'nope' was not found in the project with ID '{projectId}'");

        // May add members, holds no secret rights: cannot grant the member role, may grant no-access.
        await fx.Given.RoleAsync(projectId, "member-manager", [new { subject = "member", action = new[] { "read", "create", "edit", "delete", "grant-privileges" } }]);
        var (_, manager) = await fx.Given.ProjectMemberAsync(projectId, "member-manager");
        var refused = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { username } }, manager);
        Assert.Equal(403, refused.Code);
        Assert.Equal("PermissionBoundaryError", refused.Json["error"]!.GetValue<string>());
        Assert.DoesNotContain((await Api.GetAsync($"/api/v1/projects/{projectId}/memberships", fx.AdminToken)).Json["memberships"]!.AsArray(),
            m => m!["user"]!["username"]!.GetValue<string>() == username);
        var allowed = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships",
            new { usernames = new[] { username }, roleSlugs = new[] { "no-access" } }, manager);
        Expect.Ok(allowed);
        var membershipId = allowed.Json["memberships"]![0]!["id"]!.GetValue<string>();
        // Raising it to admin is a grant it cannot make either.
        var raise = await Api.PatchAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}",
            new { roles = new object[] { new { role = "admin", isTemporary = false } } }, manager);
        Assert.Equal(403, raise.Code);
        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}", viewer), 403, "PermissionDenied",
            "You are not allowed to delete on member", allowDetails: true);
        var deleted = await Api.DeleteAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}", manager);
        Expect.Ok(deleted);
        Assert.Equal(membershipId, deleted.Json["membership"]!["id"]!.GetValue<string>());
    }
}
