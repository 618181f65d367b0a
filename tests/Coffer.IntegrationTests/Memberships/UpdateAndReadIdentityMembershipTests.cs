using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Memberships;

public sealed class UpdateAndReadIdentityMembershipTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static readonly string[] RoleKeys =
        ["id", "role", "customRoleId", "customRoleName", "customRoleSlug", "isTemporary", "temporaryMode", "temporaryRange",
         "temporaryAccessStartTime", "temporaryAccessEndTime"];

    [Theory]
    [InlineData("/api/v1/projects")]
    [InlineData("/api/v2/workspace")]
    public async Task Legacy_update_replaces_all_roles_and_returns_role_rows(string prefix)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        var r = await Api.PatchAsync($"{prefix}/{projectId}/identity-memberships/{identityId}",
            new { roles = new[] { new { role = "member" }, new { role = "no-access" } } }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "roles");
        var roles = r.Json["roles"]!.AsArray();
        Assert.Equal(["member", "no-access"], roles.Select(x => x!["role"]!.GetValue<string>()).ToArray());
        Expect.Keys(roles[0]!.AsObject(), "id", "role", "projectMembershipId", "customRoleId", "isTemporary", "temporaryMode", "temporaryRange",
            "temporaryAccessStartTime", "temporaryAccessEndTime", "createdAt", "updatedAt");
        var audit = await Rows.CountAsync(fx.Server,
            "SELECT COUNT(*) FROM audit_logs WHERE event_type = 'update-identity-project-membership' AND project_id = @projectId", new { projectId });
        Assert.Equal(1, audit);
    }

    [Fact]
    public async Task Newest_update_returns_the_membership()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        var r = await Api.PatchAsync($"/api/v1/projects/{projectId}/memberships/identities/{identityId}",
            new { roles = new[] { new { role = "member" } } }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["identityMembership"]!.AsObject(), "id", "projectId", "identityId", "createdAt", "updatedAt");
    }

    [Fact]
    public async Task Update_needs_at_least_one_role()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        Expect.Validation(await Api.PatchAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { roles = Array.Empty<object>() }, fx.AdminToken),
            Issue.TooSmall(["roles"], "array", 1, "Array must contain at least 1 element(s)"));
        Expect.Validation(await Api.PatchAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { }, fx.AdminToken),
            Issue.Required(["roles"], "array"));
    }

    [Fact]
    public async Task Update_of_non_member_or_unknown_identity_is_404()
    {
        var projectId = await fx.Given.ProjectAsync();
        var stranger = await fx.Given.IdentityAsync();
        var missing = Guid.NewGuid().ToString();
        foreach (var id in new[] { stranger, missing })
            Expect.Error(await Api.PatchAsync($"/api/v1/projects/{projectId}/identity-memberships/{id}", new { roles = new[] { new { role = "viewer" } } }, fx.AdminToken),
                404, "NotFound", $"Identity with ID '{id}' is not a member of project with ID '{projectId}'");
    }

    [Fact]
    public async Task Role_change_takes_effect_on_the_next_request()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "admin");
        var target = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", new { role = "viewer" }, token));
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { roles = new[] { new { role = "viewer" } } }, fx.AdminToken));
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", token), 403, "PermissionDenied",
            "You are not allowed to delete on identity", allowDetails: true);
    }

    [Theory]
    [InlineData("/api/v1/projects", true)]
    [InlineData("/api/v2/workspace", false)]
    public async Task Legacy_list_and_get_shapes(string prefix, bool newest)
    {
        var projectId = await fx.Given.ProjectAsync("shape-project");
        var identityId = await fx.Given.IdentityAsync(name: "aaa-shape");
        await fx.Given.UniversalAuthAsync(identityId);
        await fx.Given.MemberAsync(projectId, identityId, "viewer");

        var list = await Api.GetAsync($"{prefix}/{projectId}/identity-memberships?search=aaa", fx.AdminToken);
        Expect.Ok(list);
        Expect.Keys(list.Json, "identityMemberships", "totalCount");
        Assert.Equal(1, list.Json["totalCount"]!.GetValue<int>());
        var m = list.Json["identityMemberships"]![0]!.AsObject();
        Expect.Keys(m, "id", "identityId", "createdAt", "updatedAt", "roles", "identity", "project");
        Expect.Keys(m["roles"]![0]!.AsObject(), RoleKeys);
        if (newest) Expect.Keys(m["identity"]!.AsObject(), "name", "id", "authMethods", "projectId", "orgId");
        else Expect.Keys(m["identity"]!.AsObject(), "name", "id", "authMethods");
        Assert.Equal("universal-auth", m["identity"]!["authMethods"]![0]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["name"] = "shape-project", ["id"] = projectId }, m["project"]));

        var one = await Api.GetAsync($"{prefix}/{projectId}/identity-memberships/{identityId}", fx.AdminToken);
        Expect.Ok(one);
        var single = one.Json["identityMembership"]!.AsObject();
        if (newest) Expect.Keys(single, "id", "identityId", "createdAt", "updatedAt", "roles", "identity", "project", "lastLoginAuthMethod", "lastLoginTime");
        else Expect.Keys(single, "id", "identityId", "createdAt", "updatedAt", "roles", "identity", "project");

        var byId = await Api.GetAsync($"{prefix}/identity-memberships/{single["id"]}", fx.AdminToken);
        Expect.Ok(byId);
        Assert.Equal(single["id"]!.GetValue<string>(), byId.Json["identityMembership"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Newest_list_and_get_shapes()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync(name: "newest-shape");
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        var list = await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities?identityName=newest&roles=viewer,member", fx.AdminToken);
        Expect.Ok(list);
        Assert.Equal(1, list.Json["totalCount"]!.GetValue<int>());
        var m = list.Json["identityMemberships"]![0]!.AsObject();
        Expect.Keys(m, "id", "identityId", "createdAt", "updatedAt", "roles", "identity");
        Expect.Keys(m["identity"]!.AsObject(), "name", "id", "orgId", "projectId");

        var none = await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities?identityName=newest&roles=admin", fx.AdminToken);
        Assert.Equal(0, none.Json["totalCount"]!.GetValue<int>());

        var one = await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities/{identityId}", fx.AdminToken);
        Expect.Ok(one);
        var single = one.Json["identityMembership"]!.AsObject();
        Expect.Keys(single, "id", "createdAt", "updatedAt", "roles", "lastLoginAuthMethod", "lastLoginTime", "identity");
        Expect.Keys(single["identity"]!.AsObject(), "name", "id", "orgId", "projectId", "authMethods", "metadata");
    }

    [Fact]
    public async Task Get_errors()
    {
        var projectId = await fx.Given.ProjectAsync();
        var stranger = await fx.Given.IdentityAsync();
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{stranger}", fx.AdminToken), 404, "NotFound",
            $"Project membership for identity with ID '{stranger} in project with ID '{projectId}' not found");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/memberships/identities/{stranger}", fx.AdminToken), 404, "NotFound",
            "Identity membership not found");
        var missing = Guid.NewGuid();
        Expect.Error(await Api.GetAsync($"/api/v1/projects/identity-memberships/{missing}", fx.AdminToken), 404, "NotFound",
            $"Project membership with ID '{missing}' not found");
    }

    [Fact]
    public async Task List_filters_rows_the_actor_may_not_read_but_counts_them()
    {
        var projectId = await fx.Given.ProjectAsync();
        var visible = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, visible, "viewer");
        await fx.Given.RoleAsync(projectId, "one-reader", new object[]
        {
            new { subject = "identity", action = new[] { "read" }, conditions = new Dictionary<string, object> { ["identityId"] = new Dictionary<string, string> { ["$eq"] = visible } } },
        });
        var (readerId, reader) = await fx.Given.ProjectMemberAsync(projectId, "one-reader");
        var list = await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships", reader);
        Expect.Ok(list);
        Assert.Equal(3, list.Json["totalCount"]!.GetValue<int>());
        Assert.Equal([visible], list.Json["identityMemberships"]!.AsArray().Select(x => x!["identityId"]!.GetValue<string>()).ToArray());
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{readerId}", reader), 403, "PermissionDenied",
            "You are not allowed to read on identity", allowDetails: true);
    }

    [Fact]
    public async Task List_query_is_validated()
    {
        var projectId = await fx.Given.ProjectAsync();
        Expect.Validation(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships?limit=0&orderDirection=up", fx.AdminToken),
            Issue.TooSmall(["limit"], "number", 1, "Number must be greater than or equal to 1"),
            Issue.Enum(["orderDirection"], "up", "asc", "desc"));
    }
}
