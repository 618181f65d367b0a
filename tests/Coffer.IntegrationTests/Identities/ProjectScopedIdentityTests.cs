using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Identities;

/// <summary>
/// Identities owned by a project, in the order Terraform's <c>infisical_project_scoped_identity</c> calls the routes:
/// create, set roles on its membership, read, update, delete; and what the project's permissions and the privilege
/// boundary allow on them.
/// </summary>
public sealed class ProjectScopedIdentityTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] IdentityKeys =
        ["id", "name", "orgId", "projectId", "createdAt", "updatedAt", "hasDeleteProtection", "authMethods", "metadata"];

    private Api Api => fx.Api;

    [Fact]
    public async Task Terraforms_lifecycle_create_roles_read_update_delete()
    {
        var projectId = await fx.Given.ProjectAsync();
        var root = $"/api/v1/projects/{projectId}/identities";
        var created = await Api.PostAsync(root, new
        {
            name = "ci-runner",
            hasDeleteProtection = false,
            metadata = new[] { new { key = "team", value = "platform" } },
        }, fx.AdminToken);
        Expect.Ok(created);
        var identity = created.Json["identity"]!.AsObject();
        Expect.Keys(identity, IdentityKeys);
        var id = identity["id"]!.GetValue<string>();
        Assert.Equal(["ci-runner", fx.OrgId, projectId], new[] { "name", "orgId", "projectId" }.Select(k => identity[k]!.GetValue<string>()));
        Assert.Empty(identity["authMethods"]!.AsArray());
        Assert.Equal(["team", "platform"], new[] { "key", "value" }.Select(k => identity["metadata"]![0]![k]!.GetValue<string>()));

        // A member of the project from the start, with no access until a role is set, as the provider expects.
        var membership = await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities/{id}", fx.AdminToken);
        Expect.Ok(membership);
        Assert.Equal("no-access", membership.Json["identityMembership"]!["roles"]![0]!["role"]!.GetValue<string>());
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{projectId}/memberships/identities/{id}",
            new { roles = new[] { new { role = "viewer", isTemporary = false } } }, fx.AdminToken));

        var read = await Api.GetAsync($"{root}/{id}", fx.AdminToken);
        Expect.Ok(read);
        Assert.True(JsonNode.DeepEquals(created.Json, read.Json), read.Json.ToJsonString());
        var list = await Api.GetAsync($"{root}?offset=0&limit=20&search=runner", fx.AdminToken);
        Expect.Ok(list);
        Expect.Keys(list.Json, "identities", "totalCount");
        Assert.Equal(1, list.Json["totalCount"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(identity, list.Json["identities"]![0]), list.Json.ToJsonString());
        // It is the project's, not the organization's: the organization's list leaves it out, and its routes refuse it.
        var orgList = await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}&search=ci-runner", fx.AdminToken);
        Assert.Equal(0, orgList.Json["totalCount"]!.GetValue<int>());
        Expect.Error(await Api.DeleteAsync($"/api/v1/identities/{id}", fx.AdminToken), 400, "BadRequest", "Identity is managed by project");

        var updated = await Api.PatchAsync($"{root}/{id}", new { name = "ci-runner-2", hasDeleteProtection = true, metadata = Array.Empty<object>() },
            fx.AdminToken);
        Expect.Ok(updated);
        Assert.Equal("ci-runner-2", updated.Json["identity"]!["name"]!.GetValue<string>());
        Assert.True(updated.Json["identity"]!["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Empty(updated.Json["identity"]!["metadata"]!.AsArray());
        Expect.Error(await Api.DeleteAsync($"{root}/{id}", fx.AdminToken), 400, "BadRequest", "Identity has delete protection");
        Expect.Ok(await Api.PatchAsync($"{root}/{id}", new { hasDeleteProtection = false }, fx.AdminToken));

        var deleted = await Api.DeleteAsync($"{root}/{id}", fx.AdminToken);
        Expect.Ok(deleted);
        Assert.Equal("ci-runner-2", deleted.Json["identity"]!["name"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"{root}/{id}", fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{id}' not found in project with ID '{projectId}'");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities/{id}", fx.AdminToken), 404, "NotFound",
            "Identity membership not found");
    }

    [Fact]
    public async Task Project_permissions_decide_and_the_boundary_guards_its_rights()
    {
        var projectId = await fx.Given.ProjectAsync();
        var root = $"/api/v1/projects/{projectId}/identities";
        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        Expect.Error(await Api.PostAsync(root, new { name = "nope" }, viewer), 403, "PermissionDenied",
            "You are not allowed to create on identity", allowDetails: true);
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync();
        Expect.Error(await Api.GetAsync(root, outsider), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");

        var created = await Api.PostAsync(root, new { name = "powerful" }, fx.AdminToken);
        var id = created.Json["identity"]!["id"]!.GetValue<string>();
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{projectId}/memberships/identities/{id}",
            new { roles = new[] { new { role = "admin", isTemporary = false } } }, fx.AdminToken));
        // May manage identities in the project, holds no secret rights: cannot rename or delete one that holds them.
        await fx.Given.RoleAsync(projectId, "identity-editor", [new { subject = "identity", action = new[] { "read", "create", "edit", "delete" } }]);
        var (_, editor) = await fx.Given.ProjectMemberAsync(projectId, "identity-editor");
        var rename = await Api.PatchAsync($"{root}/{id}", new { name = "renamed" }, editor);
        Expect.Error(rename, 403, "PermissionBoundaryError", "Failed to update identity. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Expect.Error(await Api.DeleteAsync($"{root}/{id}", editor), 403, "PermissionBoundaryError", "Failed to delete identity. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Assert.Equal("powerful", (await Api.GetAsync($"{root}/{id}", fx.AdminToken)).Json["identity"]!["name"]!.GetValue<string>());
        // It may create one (which holds nothing) and manage that one.
        var own = await Api.PostAsync(root, new { name = "helper" }, editor);
        Expect.Ok(own);
        var ownId = own.Json["identity"]!["id"]!.GetValue<string>();
        Expect.Ok(await Api.PatchAsync($"{root}/{ownId}", new { name = "helper-2" }, editor));
        Expect.Ok(await Api.DeleteAsync($"{root}/{ownId}", editor));
        // Another project's identity is not found through this project.
        var other = await fx.Given.ProjectAsync();
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{other}/identities/{id}", fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{id}' not found in project with ID '{other}'");
    }

    [Fact]
    public async Task A_project_takes_its_identities_with_it()
    {
        var projectId = await fx.Given.ProjectAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{projectId}/identities", new { name = "short-lived" }, fx.AdminToken);
        var id = created.Json["identity"]!["id"]!.GetValue<string>();
        var token = await fx.Given.TokenAuthTokenAsync(id);
        Expect.Ok(await Api.GetAsync("/api/v1/identities/details", token));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}", fx.AdminToken));
        Expect.Error(await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken), 404, "NotFound", $"Failed to find identity with id {id}");
        Assert.Equal(401, (await Api.GetAsync("/api/v1/identities/details", token)).Code);
    }
}
