using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Projects;

public sealed class RoleAndPrivilegeTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    [Fact]
    public async Task Custom_role_crud_with_unpacked_permissions()
    {
        var projectId = await fx.Given.ProjectAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new
        {
            slug = "app-reader",
            name = "App reader",
            description = "reads /app",
            permissions = new object[]
            {
                new { subject = "secrets", action = "describeSecret", conditions = new Dictionary<string, object> { ["secretPath"] = new Dictionary<string, string> { ["$glob"] = "/app/**" } } },
            },
        }, fx.AdminToken);
        Expect.Ok(created);
        var role = created.Json["role"]!.AsObject();
        Expect.Keys(role, "id", "name", "slug", "description", "projectId", "permissions", "createdAt", "updatedAt");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"subject":"secrets","action":["describeSecret"],"conditions":{"secretPath":{"$glob":"/app/**"}},"inverted":false}]"""),
            role["permissions"]), role["permissions"]!.ToJsonString());
        var roleId = role["id"]!.GetValue<string>();

        var list = await Api.GetAsync($"/api/v1/projects/{projectId}/roles", fx.AdminToken);
        Expect.Ok(list);
        Assert.Equal(["admin", "member", "viewer", "no-access", "app-reader"],
            list.Json["roles"]!.AsArray().Select(r => r!["slug"]!.GetValue<string>()).ToArray());
        Assert.False(list.Json["roles"]![4]!.AsObject().ContainsKey("permissions"));

        var bySlug = await Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/app-reader", fx.AdminToken);
        Assert.Equal(roleId, bySlug.Json["role"]!["id"]!.GetValue<string>());
        var builtIn = await Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/viewer", fx.AdminToken);
        Expect.Ok(builtIn);
        Assert.NotEmpty(builtIn.Json["role"]!["permissions"]!.AsArray());

        var patched = await Api.PatchAsync($"/api/v1/projects/{projectId}/roles/{roleId}", new { name = "Reader" }, fx.AdminToken);
        Assert.Equal("Reader", patched.Json["role"]!["name"]!.GetValue<string>());

        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new { slug = "app-reader", name = "dup", permissions = Array.Empty<object>() }, fx.AdminToken),
            400, "BadRequest", "Role with same slug already exists");

        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "app-reader");
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/roles/{roleId}", fx.AdminToken), 400, "BadRequest",
            "The role is assigned to one or more project members. Change their roles before deleting it.");
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/roles/{roleId}", fx.AdminToken));
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/roles/{roleId}", fx.AdminToken), 404, "NotFound",
            $"Project role with ID '{roleId}' not found");
    }

    [Fact]
    public async Task Reserved_slugs_and_bad_rules_are_refused()
    {
        var projectId = await fx.Given.ProjectAsync();
        Expect.Validation(await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new { slug = "admin", name = "x", permissions = Array.Empty<object>() }, fx.AdminToken),
            Issue.Custom(["slug"], "Please choose a different slug, the slug you have entered is reserved"));
        var badPath = await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new
        {
            slug = "bad-path",
            name = "x",
            permissions = new object[] { new { subject = "secrets", action = "readValue", conditions = new { secretPath = "app" } } },
        }, fx.AdminToken);
        Assert.Equal(422, badPath.Code);
        Assert.Contains("Invalid Secret Path; it must start with a '/'", badPath.RawBody);
        var (_, member) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new { slug = "mine", name = "x", permissions = Array.Empty<object>() }, member),
            403, "PermissionDenied", "You are not allowed to create on role", allowDetails: true);
    }

    [Fact]
    public async Task Additional_privilege_adds_rules_until_it_expires()
    {
        var projectId = await fx.Given.ProjectAsync();
        var target = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, target, "viewer");
        var (actorId, actor) = await fx.Given.ProjectMemberAsync(projectId, "no-access");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", actor), 403, "PermissionDenied",
            "You are not allowed to read on identity", allowDetails: true);

        var start = fx.Server.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var created = await Api.PostAsync("/api/v2/identity-project-additional-privilege", new
        {
            identityId = actorId,
            projectId,
            slug = "peek",
            permissions = new object[] { new { subject = "identity", action = new[] { "read" } } },
            type = new { isTemporary = true, temporaryMode = "relative", temporaryRange = "5m", temporaryAccessStartTime = Iso(start) },
        }, fx.AdminToken);
        Expect.Ok(created);
        var privilege = created.Json["privilege"]!.AsObject();
        Expect.Keys(privilege, "id", "identityId", "projectId", "slug", "permissions", "isTemporary", "temporaryMode", "temporaryRange",
            "temporaryAccessStartTime", "temporaryAccessEndTime", "createdAt", "updatedAt");
        Assert.Equal(Iso(start.AddMinutes(5)), privilege["temporaryAccessEndTime"]!.GetValue<string>());

        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", actor));
        fx.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", actor), 403, "PermissionDenied",
            "You are not allowed to read on identity", allowDetails: true);

        var id = privilege["id"]!.GetValue<string>();
        var list = await Api.GetAsync($"/api/v2/identity-project-additional-privilege?identityId={actorId}&projectId={projectId}", fx.AdminToken);
        Expect.Ok(list);
        Assert.False(list.Json["privileges"]![0]!.AsObject().ContainsKey("permissions"));
        Expect.Ok(await Api.GetAsync($"/api/v2/identity-project-additional-privilege/{id}", fx.AdminToken));
        var patched = await Api.PatchAsync($"/api/v2/identity-project-additional-privilege/{id}", new { type = new { isTemporary = false } }, fx.AdminToken);
        Expect.Ok(patched);
        Assert.False(patched.Json["privilege"]!["isTemporary"]!.GetValue<bool>());
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", actor));
        Expect.Ok(await Api.DeleteAsync($"/api/v2/identity-project-additional-privilege/{id}", fx.AdminToken));
        Expect.Error(await Api.GetAsync($"/api/v2/identity-project-additional-privilege/{id}", fx.AdminToken), 404, "NotFound",
            $"Additional privilege with ID {id} not found");
    }

    [Fact]
    public async Task Privilege_for_a_non_member_is_404_and_member_cannot_grant()
    {
        var projectId = await fx.Given.ProjectAsync();
        var stranger = await fx.Given.IdentityAsync();
        var body = new
        {
            identityId = stranger,
            projectId,
            permissions = new object[] { new { subject = "secrets", action = new[] { "readValue" } } },
            type = new { isTemporary = false },
        };
        Expect.Error(await Api.PostAsync("/api/v2/identity-project-additional-privilege", body, fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{stranger}' is not a member of project with ID '{projectId}'");
        var (_, member) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Error(await Api.PostAsync("/api/v2/identity-project-additional-privilege", body, member), 403, "PermissionBoundaryError",
            "Failed to update more privileged identity. Actor is missing permission grant-privileges on identity", allowDetails: true);
    }

    [Fact]
    public async Task Audit_log_lists_membership_events_newest_first_with_filters()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { roles = new[] { new { role = "member" } } }, fx.AdminToken));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken));

        var r = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}&eventType=create-identity-project-membership,update-identity-project-membership,delete-identity-project-membership", fx.AdminToken);
        Expect.Ok(r);
        var logs = r.Json["auditLogs"]!.AsArray();
        Assert.Equal(["delete-identity-project-membership", "update-identity-project-membership", "create-identity-project-membership"],
            logs.Select(l => l!["event"]!["type"]!.GetValue<string>()).ToArray());
        var first = logs[0]!.AsObject();
        Expect.Keys(first, "id", "ipAddress", "userAgent", "userAgentType", "expiresAt", "createdAt", "updatedAt", "orgId", "projectId", "projectName",
            "event", "actor", "project");
        Assert.Equal(identityId, first["event"]!["metadata"]!["identityId"]!.GetValue<string>());
        Assert.Equal("identity", first["actor"]!["type"]!.GetValue<string>());
        Assert.Equal(fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>(), first["actor"]!["metadata"]!["identityId"]!.GetValue<string>());

        var limited = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}&limit=1&offset=1", fx.AdminToken);
        Assert.Equal("update-identity-project-membership", limited.Json["auditLogs"]![0]!["event"]!["type"]!.GetValue<string>());

        var future = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}&startDate={Uri.EscapeDataString(Iso(DateTime.UtcNow.AddDays(1)))}", fx.AdminToken);
        Assert.Empty(future.Json["auditLogs"]!.AsArray());

        var (_, noAccess) = await fx.Given.IdentityWithTokenAsync("no-access");
        Expect.Error(await Api.GetAsync("/api/v1/organization/audit-logs", noAccess), 403, "PermissionDenied", "You are not allowed to read on audit-logs", allowDetails: true);
    }
}
