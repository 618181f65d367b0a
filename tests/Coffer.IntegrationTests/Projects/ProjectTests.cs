using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Projects;

public sealed class ProjectTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static readonly string[] ProjectKeys =
    [
        "id", "name", "description", "type", "defaultProduct", "slug", "autoCapitalization", "orgId", "createdAt", "updatedAt", "version",
        "upgradeStatus", "pitVersionLimit", "kmsCertificateKeyId", "auditLogsRetentionDays", "hasDeleteProtection", "secretSharing",
        "showSnapshotsLegacy", "secretDetectionIgnoreValues",
    ];

    [Theory]
    [InlineData("/api/v1/projects")]
    [InlineData("/api/v2/workspace")]
    public async Task Create_gives_default_environments_and_makes_the_creator_admin(string path)
    {
        var r = await Api.PostAsync(path, new { projectName = "Payments API", type = "secret-manager" }, fx.AdminToken);
        Expect.Ok(r);
        var p = r.Json["project"]!.AsObject();
        Expect.Keys(p, [.. ProjectKeys, "_id", "environments"]);
        Assert.Equal(p["id"]!.GetValue<string>(), p["_id"]!.GetValue<string>());
        Assert.Matches("^payments-api-[a-z0-9]{4}$", p["slug"]!.GetValue<string>());
        Assert.Equal(10, p["pitVersionLimit"]!.GetValue<int>());
        Assert.Equal(3, p["version"]!.GetValue<int>());
        Assert.Equal(["dev", "staging", "prod"], p["environments"]!.AsArray().Select(e => e!["slug"]!.GetValue<string>()).ToArray());
        Assert.Equal(["Development", "Staging", "Production"], p["environments"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToArray());
        Expect.Keys(p["environments"]![0]!.AsObject(), "name", "slug", "id");

        var id = p["id"]!.GetValue<string>();
        var adminIdentity = fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>();
        var membership = await Api.GetAsync($"/api/v1/projects/{id}/identity-memberships/{adminIdentity}", fx.AdminToken);
        Assert.Equal("admin", membership.Json["identityMembership"]!["roles"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(3, await Rows.CountAsync(fx.Server,
            "SELECT COUNT(*) FROM secret_folders f JOIN project_environments e ON e.id = f.env_id WHERE e.project_id = @id AND f.parent_id IS NULL", new { id }));
    }

    [Fact]
    public async Task Given_slug_is_kept_and_duplicates_are_refused()
    {
        var slug = $"acme-{Guid.NewGuid():N}"[..14];
        var r = await Api.PostAsync("/api/v1/projects", new { projectName = "x", slug }, fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal(slug, r.Json["project"]!["slug"]!.GetValue<string>());
        Expect.Error(await Api.PostAsync("/api/v1/projects", new { projectName = "y", slug }, fx.AdminToken), 400, "BadRequest",
            $"A project with the slug \"{slug}\" already exists in your organization. Please choose a different name or slug.");
    }

    [Fact]
    public async Task Create_validates_body()
    {
        var r = await Api.PostAsync("/api/v1/projects", new { projectName = new string('a', 65), slug = "Bad Slug!", type = "nope" }, fx.AdminToken);
        Assert.Equal(422, r.Code);
        var issues = r.Json["message"]!.AsArray();
        Assert.Equal(["too_big", "custom", "invalid_enum_value"], issues.Select(i => i!["code"]!.GetValue<string>()).ToArray());
        Assert.Equal("Slug field can only contain letters, numbers, and hyphens", issues[1]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_by_id_slug_and_deprecated_paths()
    {
        var create = await Api.PostAsync("/api/v1/projects", new { projectName = "Getter" }, fx.AdminToken);
        var id = create.Json["project"]!["id"]!.GetValue<string>();
        var slug = create.Json["project"]!["slug"]!.GetValue<string>();

        var byId = await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken);
        Expect.Ok(byId);
        Expect.Keys(byId.Json["project"]!.AsObject(), [.. ProjectKeys, "_id", "environments"]);
        var bySlug = await Api.GetAsync($"/api/v1/projects/slug/{slug}", fx.AdminToken);
        Expect.Ok(bySlug);
        Assert.Equal(id, bySlug.Json["id"]!.GetValue<string>());
        var workspace = await Api.GetAsync($"/api/v1/workspace/{id}", fx.AdminToken);
        Expect.Ok(workspace);
        Assert.Equal(id, workspace.Json["workspace"]!["id"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync("/api/v1/projects/slug/no-such-project", fx.AdminToken), 404, "NotFound", "Project with slug 'no-such-project' not found");
    }

    [Fact]
    public async Task List_shows_only_projects_the_actor_belongs_to()
    {
        var mine = await fx.Given.ProjectAsync();
        var (memberId, memberToken) = await fx.Given.IdentityWithTokenAsync();
        var theirs = await fx.Given.ProjectAsync();
        await fx.Given.MemberAsync(theirs, memberId, "viewer");
        var list = await Api.GetAsync("/api/v1/projects", memberToken);
        Expect.Ok(list);
        var ids = list.Json["projects"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(theirs, ids);
        Assert.DoesNotContain(mine, ids);
    }

    [Fact]
    public async Task Each_listed_project_carries_its_own_environments_in_order_as_its_single_read_does()
    {
        var (memberId, memberToken) = await fx.Given.IdentityWithTokenAsync();
        var plain = await fx.Given.ProjectAsync();
        var changed = await fx.Given.ProjectAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{changed}/environments", new { name = "QA", slug = "qa" }, fx.AdminToken));
        var staging = (await Api.GetAsync($"/api/v1/projects/{changed}", fx.AdminToken)).Json["project"]!["environments"]!.AsArray()
            .Single(e => e!["slug"]!.GetValue<string>() == "staging")!["id"]!.GetValue<string>();
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{changed}/environments/{staging}", fx.AdminToken));
        await fx.Given.MemberAsync(plain, memberId, "viewer");
        await fx.Given.MemberAsync(changed, memberId, "viewer");

        foreach (var path in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var list = await Api.GetAsync(path, memberToken);
            Expect.Ok(list);
            var listed = list.Json[path.EndsWith("projects") ? "projects" : "workspaces"]!.AsArray();
            Assert.Equal([plain, changed], listed.Select(p => p!["id"]!.GetValue<string>()));
            foreach (var project in listed)
            {
                var single = await Api.GetAsync($"/api/v1/projects/{project!["id"]!.GetValue<string>()}", memberToken);
                Assert.True(JsonNode.DeepEquals(single.Json["project"]!["environments"], project["environments"]), project.ToJsonString());
            }
            Assert.Equal(["dev", "staging", "prod"], listed[0]!["environments"]!.AsArray().Select(e => e!["slug"]!.GetValue<string>()));
            Assert.Equal(["dev", "prod", "qa"], listed[1]!["environments"]!.AsArray().Select(e => e!["slug"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Update_needs_settings_edit_and_applies_fields()
    {
        var id = await fx.Given.ProjectAsync();
        var (_, viewer) = await fx.Given.ProjectMemberAsync(id, "viewer");
        Expect.Error(await Api.PatchAsync($"/api/v1/projects/{id}", new { name = "nope" }, viewer), 403, "PermissionDenied",
            "You are not allowed to edit on settings", allowDetails: true);
        var r = await Api.PatchAsync($"/api/v1/projects/{id}", new { name = "Renamed", description = "d", autoCapitalization = true, pitVersionLimit = 20 }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["project"]!.AsObject(), ProjectKeys);
        Assert.Equal("Renamed", r.Json["project"]!["name"]!.GetValue<string>());
        Assert.Equal(20, r.Json["project"]!["pitVersionLimit"]!.GetValue<int>());
    }

    [Fact]
    public async Task Delete_is_admin_only_protected_and_frees_the_slug()
    {
        var slug = $"del-{Guid.NewGuid():N}"[..12];
        var id = (await Api.PostAsync("/api/v1/projects", new { projectName = "d", slug, hasDeleteProtection = true }, fx.AdminToken)).Json["project"]!["id"]!.GetValue<string>();
        var (_, member) = await fx.Given.ProjectMemberAsync(id, "member");
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{id}", member), 403, "PermissionDenied", "You are not allowed to delete on workspace", allowDetails: true);
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{id}", fx.AdminToken), 403, "ForbiddenError", "Project delete protection is enabled");
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{id}", new { hasDeleteProtection = false }, fx.AdminToken));

        var deleted = await Api.DeleteAsync($"/api/v1/projects/{id}", fx.AdminToken);
        Expect.Ok(deleted);
        Expect.Keys(deleted.Json["project"]!.AsObject(), ProjectKeys);
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken), 404, "NotFound", $"Project with ID '{id}' not found");
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{id}", fx.AdminToken), 404, "NotFound", $"Project with ID '{id}' not found");
        var again = await Api.PostAsync("/api/v1/projects", new { projectName = "d", slug }, fx.AdminToken);
        Expect.Ok(again);
        Assert.NotEqual(id, again.Json["project"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_access_org_member_cannot_create_projects()
    {
        var (_, token) = await fx.Given.IdentityWithTokenAsync("no-access");
        Expect.Error(await Api.PostAsync("/api/v1/projects", new { projectName = "x" }, token), 403, "ForbiddenError", "You don't have permission to create a project");
    }

    [Fact]
    public async Task Environments_crud_on_both_paths()
    {
        var id = await fx.Given.ProjectAsync();
        foreach (var prefix in new[] { $"/api/v1/projects/{id}/environments", $"/api/v1/workspace/{id}/environments" })
        {
            var slug = $"qa-{Guid.NewGuid():N}"[..8];
            var created = await Api.PostAsync(prefix, new { name = "QA", slug, position = 1 }, fx.AdminToken);
            Expect.Ok(created);
            Expect.Keys(created.Json, "message", "projectId", "environment");
            Assert.Equal("Successfully created new environment", created.Json["message"]!.GetValue<string>());
            var env = created.Json["environment"]!.AsObject();
            Expect.Keys(env, "id", "name", "slug", "position", "projectId", "createdAt", "updatedAt");
            Assert.Equal(1, env["position"]!.GetValue<int>());
            var envId = env["id"]!.GetValue<string>();

            Expect.Error(await Api.PostAsync(prefix, new { name = "QA", slug }, fx.AdminToken), 400, "BadRequest", $"Environment with slug '{slug}' already exist");
            var got = await Api.GetAsync($"{prefix}/{envId}", fx.AdminToken);
            Expect.Ok(got);
            var updated = await Api.PatchAsync($"{prefix}/{envId}", new { name = "Quality" }, fx.AdminToken);
            Assert.Equal("Successfully updated environment", updated.Json["message"]!.GetValue<string>());
            Assert.Equal("Quality", updated.Json["environment"]!["name"]!.GetValue<string>());
            var deleted = await Api.DeleteAsync($"{prefix}/{envId}", fx.AdminToken);
            Assert.Equal("Successfully deleted environment", deleted.Json["message"]!.GetValue<string>());
            Expect.Error(await Api.GetAsync($"{prefix}/{envId}", fx.AdminToken), 404, "NotFound",
                $"Environment with id '{envId}' in project with ID '{id}' not found");
        }
        var (_, viewer) = await fx.Given.ProjectMemberAsync(id, "viewer");
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{id}/environments", new { name = "x", slug = "x" }, viewer), 403, "PermissionDenied",
            "You are not allowed to create on environments", allowDetails: true);
    }

    [Fact]
    public async Task An_environment_reads_by_id_alone_as_Terraform_reads_and_imports_it()
    {
        var id = await fx.Given.ProjectAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{id}/environments", new { name = "QA", slug = "qa", position = 2 }, fx.AdminToken);
        Expect.Ok(created);
        var envId = created.Json["environment"]!["id"]!.GetValue<string>();

        var byId = await Api.GetAsync($"/api/v1/workspace/environments/{envId}", fx.AdminToken);
        Expect.Ok(byId);
        Expect.Keys(byId.Json, "environment");
        var inProject = await Api.GetAsync($"/api/v1/workspace/{id}/environments/{envId}", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(inProject.Json, byId.Json), byId.Json.ToJsonString());
        var env = byId.Json["environment"]!.AsObject();
        Assert.Equal([envId, "QA", "qa", id], new[] { "id", "name", "slug", "projectId" }.Select(k => env[k]!.GetValue<string>()));
        Assert.Equal(2, env["position"]!.GetValue<int>());

        var (_, viewer) = await fx.Given.ProjectMemberAsync(id, "viewer");
        Expect.Ok(await Api.GetAsync($"/api/v1/workspace/environments/{envId}", viewer));
        var (_, noAccess) = await fx.Given.ProjectMemberAsync(id, "no-access");
        Expect.Error(await Api.GetAsync($"/api/v1/workspace/environments/{envId}", noAccess), 403, "PermissionDenied",
            "You are not allowed to read on environments", allowDetails: true);
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync();
        Expect.Error(await Api.GetAsync($"/api/v1/workspace/environments/{envId}", outsider), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {id}. Please assign this identity to the project with the appropriate permissions, then try again.");

        var unknown = Guid.NewGuid().ToString();
        Expect.Error(await Api.GetAsync($"/api/v1/workspace/environments/{unknown}", fx.AdminToken), 404, "NotFound",
            $"Environment with ID '{unknown}' not found");
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{id}/environments/{envId}", fx.AdminToken));
        Expect.Error(await Api.GetAsync($"/api/v1/workspace/environments/{envId}", fx.AdminToken), 404, "NotFound",
            $"Environment with ID '{envId}' not found");
    }

    [Fact]
    public async Task An_environment_reads_by_slug_with_its_fields_also_at_the_top_level_for_Terraforms_data_source()
    {
        var id = await fx.Given.ProjectAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{id}/environments", new { name = "QA", slug = "qa", position = 2 }, fx.AdminToken);
        Expect.Ok(created);
        var env = created.Json["environment"]!.AsObject();

        var bySlug = await Api.GetAsync($"/api/v1/projects/{id}/environments/slug/qa", fx.AdminToken);
        Expect.Ok(bySlug);
        Expect.Keys(bySlug.Json, "environment", "id", "name", "slug", "position", "projectId", "createdAt", "updatedAt");
        Assert.True(JsonNode.DeepEquals(env, bySlug.Json["environment"]), bySlug.Json.ToJsonString());
        foreach (var (key, value) in env)
            Assert.True(JsonNode.DeepEquals(value, bySlug.Json[key]), key);

        var (_, viewer) = await fx.Given.ProjectMemberAsync(id, "viewer");
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{id}/environments/slug/qa", viewer));
        // Permission comes before the lookup, so a caller without it cannot learn which slugs exist.
        var (_, noAccess) = await fx.Given.ProjectMemberAsync(id, "no-access");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{id}/environments/slug/nope", noAccess), 403, "PermissionDenied",
            "You are not allowed to read on environments", allowDetails: true);
        Expect.Error(await Api.GetAsync($"/api/v1/projects/{id}/environments/slug/nope", fx.AdminToken), 404, "NotFound",
            $"Environment with slug 'nope' in project with ID '{id}' not found");
        Expect.Validation(await Api.GetAsync($"/api/v1/projects/{id}/environments/slug/not_a_slug", fx.AdminToken),
            new JsonObject { ["code"] = "custom", ["message"] = "Slug field can only contain letters, numbers, and hyphens", ["path"] = new JsonArray("envSlug") });
    }

    [Fact]
    public async Task A_project_admin_sets_the_audit_log_retention_by_project_slug()
    {
        var id = await fx.Given.ProjectAsync();
        var slug = (await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken)).Json["project"]!["slug"]!.GetValue<string>();
        var path = $"/api/v1/workspace/{slug}/audit-logs-retention";

        var set = await Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 30 }, fx.AdminToken);
        Expect.Ok(set);
        Expect.Keys(set.Json, "message", "workspace");
        Assert.Equal("Successfully updated project's audit logs retention period", set.Json["message"]!.GetValue<string>());
        Assert.Equal(30, set.Json["workspace"]!["auditLogsRetentionDays"]!.GetValue<int>());
        var read = await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken);
        Assert.Equal(30, read.Json["project"]!["auditLogsRetentionDays"]!.GetValue<int>());

        // Infisical asks for the admin role itself, not a permission: a member with every settings right is refused.
        var (_, member) = await fx.Given.ProjectMemberAsync(id, "member");
        Expect.Error(await Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 1 }, member), 403, "ForbiddenError",
            "Insufficient privileges, only admins are allowed to take this action");
        Expect.Validation(await Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = -1 }, fx.AdminToken),
            Issue.TooSmall(["auditLogsRetentionDays"], "number", 0, "Number must be greater than or equal to 0"));
        Expect.Error(await Api.SendAsync(HttpMethod.Put, "/api/v1/workspace/no-such-project/audit-logs-retention", new { auditLogsRetentionDays = 1 }, fx.AdminToken),
            404, "NotFound", "Project with slug 'no-such-project' not found");
        Assert.Equal(30, (await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken)).Json["project"]!["auditLogsRetentionDays"]!.GetValue<int>());
    }
}
