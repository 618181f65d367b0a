using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Projects;

/// <summary>
/// The role routes Terraform's <c>infisical_project_role</c> calls besides <c>/api/v1/projects/{projectId}/roles</c>:
/// the <c>/api/v2/workspace/{projectId}/roles</c> twin, a role by id alone, and the project-slug routes that speak the
/// V1 rule form.
/// </summary>
public sealed class RoleRouteFormTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private async Task<(string Id, string Slug)> ProjectAsync()
    {
        var id = await fx.Given.ProjectAsync();
        var project = await Api.GetAsync($"/api/v1/projects/{id}", fx.AdminToken);
        return (id, project.Json["project"]!["slug"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_v2_workspace_twin_and_the_read_by_id_answer_as_the_projects_routes()
    {
        var (projectId, _) = await ProjectAsync();
        var permissions = JsonNode.Parse("""[{"subject":"secrets","action":["describeSecret","readValue"],"conditions":{"environment":"dev"},"inverted":false}]""");
        var created = await Api.PostAsync($"/api/v2/workspace/{projectId}/roles",
            new { slug = "tf-role", name = "TF role", description = "made by terraform", permissions }, fx.AdminToken);
        Expect.Ok(created);
        var role = created.Json["role"]!.AsObject();
        Expect.Keys(role, "id", "name", "slug", "description", "projectId", "permissions", "createdAt", "updatedAt");
        Assert.True(JsonNode.DeepEquals(permissions, role["permissions"]), role["permissions"]!.ToJsonString());
        var roleId = role["id"]!.GetValue<string>();

        var v2BySlug = await Api.GetAsync($"/api/v2/workspace/{projectId}/roles/slug/tf-role", fx.AdminToken);
        var v1BySlug = await Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/tf-role", fx.AdminToken);
        var byId = await Api.GetAsync($"/api/v1/projects/roles/{roleId}", fx.AdminToken);
        Expect.Ok(byId);
        Assert.True(JsonNode.DeepEquals(created.Json, v2BySlug.Json), v2BySlug.Json.ToJsonString());
        Assert.True(JsonNode.DeepEquals(created.Json, v1BySlug.Json), v1BySlug.Json.ToJsonString());
        Assert.True(JsonNode.DeepEquals(created.Json, byId.Json), byId.Json.ToJsonString());
        var list = await Api.GetAsync($"/api/v2/workspace/{projectId}/roles", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(list.Json, (await Api.GetAsync($"/api/v1/projects/{projectId}/roles", fx.AdminToken)).Json));

        var patched = await Api.PatchAsync($"/api/v2/workspace/{projectId}/roles/{roleId}", new { name = "Renamed", description = "changed" }, fx.AdminToken);
        Expect.Ok(patched);
        Assert.Equal(["Renamed", "changed"], new[] { "name", "description" }.Select(k => patched.Json["role"]![k]!.GetValue<string>()));

        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/roles/{roleId}", viewer));
        var (_, noAccess) = await fx.Given.ProjectMemberAsync(projectId, "no-access");
        Expect.Error(await Api.GetAsync($"/api/v1/projects/roles/{roleId}", noAccess), 403, "PermissionDenied",
            "You are not allowed to read on role", allowDetails: true);

        Expect.Ok(await Api.DeleteAsync($"/api/v2/workspace/{projectId}/roles/{roleId}", fx.AdminToken));
        Expect.Error(await Api.GetAsync($"/api/v1/projects/roles/{roleId}", fx.AdminToken), 404, "NotFound",
            $"Project role with ID '{roleId}' not found");
        // Predefined roles have no id of their own.
        Expect.Error(await Api.GetAsync($"/api/v1/projects/roles/{projectId}:admin", fx.AdminToken), 404, "NotFound",
            $"Project role with ID '{projectId}:admin' not found");
    }

    [Fact]
    public async Task V1_rules_are_backfilled_into_todays_subjects_and_shown_back_in_the_V1_form()
    {
        var (projectId, projectSlug) = await ProjectAsync();
        var created = await Api.PostAsync($"/api/v1/workspace/{projectSlug}/roles", new
        {
            projectSlug,
            slug = "legacy",
            name = "Legacy",
            description = "v1 rules",
            permissions = new object[]
            {
                new { action = "read", subject = "secrets", conditions = new { environment = "dev", secretPath = new Dictionary<string, string> { ["$glob"] = "/app/**" } } },
                new { action = "edit", subject = "secrets" },
                new { action = "read", subject = "environments" },
            },
        }, fx.AdminToken);
        Expect.Ok(created);
        var role = created.Json["role"]!.AsObject();
        Expect.Keys(role, "id", "name", "slug", "description", "projectId", "permissions", "createdAt", "updatedAt");
        const string secretRules = """
            {"subject":"secrets","action":["read","readValue"],"conditions":{"environment":"dev","secretPath":{"$glob":"/app/**"}},"inverted":false},
            {"subject":"secrets","action":["edit"],"inverted":false},
            {"subject":"environments","action":["read"],"inverted":false}
            """;
        // The V1 form leaves out what the backfill derived for imports and dynamic secrets, and folders but for read.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($"[{secretRules}]"), role["permissions"]), role["permissions"]!.ToJsonString());
        var v1Read = await Api.GetAsync($"/api/v1/workspace/{projectSlug}/roles/slug/legacy", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(created.Json, v1Read.Json), v1Read.Json.ToJsonString());

        var stored = await Api.GetAsync($"/api/v1/projects/{projectId}/roles/slug/legacy", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[" + secretRules + """
            ,{"subject":"secret-imports","action":["read"],"conditions":{"environment":"dev","secretPath":{"$glob":"/app/**"}},"inverted":false},
            {"subject":"secret-imports","action":["edit"],"inverted":false},
            {"subject":"dynamic-secrets","action":["read-root-credential"],"conditions":{"environment":"dev","secretPath":{"$glob":"/app/**"}},"inverted":false},
            {"subject":"dynamic-secrets","action":["edit-root-credential","lease"],"inverted":false},
            {"subject":"secret-folders","action":["edit"],"inverted":false}]
            """), stored.Json["role"]!["permissions"]), stored.Json["role"]!["permissions"]!.ToJsonString());

        // What the rules grant: an identity holding the role reads values under /app in dev, and nothing in prod.
        var roleId = role["id"]!.GetValue<string>();
        var (identityId, token) = await fx.Given.IdentityWithTokenAsync();
        await fx.Given.MemberAsync(projectId, identityId, "legacy");
        foreach (var env in new[] { "dev", "prod" })
            Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = env, name = "app", path = "/" }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/KEY", new { workspaceId = projectId, environment = "dev", secretPath = "/app", secretValue = "v" }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/KEY", new { workspaceId = projectId, environment = "prod", secretPath = "/app", secretValue = "p" }, fx.AdminToken));
        var read = await Api.GetAsync($"/api/v3/secrets/raw/KEY?workspaceId={projectId}&environment=dev&secretPath=/app", token);
        Expect.Ok(read);
        Assert.Equal("v", read.Json["secret"]!["secretValue"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"/api/v3/secrets/raw/KEY?workspaceId={projectId}&environment=prod&secretPath=/app", token), 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);

        var patched = await Api.PatchAsync($"/api/v1/workspace/{projectSlug}/roles/{roleId}", new
        {
            name = "Legacy 2",
            permissions = new object[] { new { action = "read", subject = "secret-folders" }, new { action = "create", subject = "secrets" } },
        }, fx.AdminToken);
        Expect.Ok(patched);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            [{"subject":"secret-folders","action":["read"],"inverted":false},{"subject":"secrets","action":["create"],"inverted":false}]
            """), patched.Json["role"]!["permissions"]), patched.Json["role"]!["permissions"]!.ToJsonString());
        var list = await Api.GetAsync($"/api/v1/workspace/{projectSlug}/roles", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(list.Json, (await Api.GetAsync($"/api/v1/projects/{projectId}/roles", fx.AdminToken)).Json));

        Expect.Error(await Api.DeleteAsync($"/api/v1/workspace/{projectSlug}/roles/{roleId}", fx.AdminToken), 400, "BadRequest",
            "The role is assigned to one or more project members. Change their roles before deleting it.");
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken));
        var deleted = await Api.DeleteAsync($"/api/v1/workspace/{projectSlug}/roles/{roleId}", fx.AdminToken);
        Expect.Ok(deleted);
        Assert.Equal("Legacy 2", deleted.Json["role"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_V1_form_refuses_todays_actions_and_subjects_and_an_unknown_project_slug()
    {
        var (_, projectSlug) = await ProjectAsync();
        var readValue = await Api.PostAsync($"/api/v1/workspace/{projectSlug}/roles",
            new { slug = "x", name = "x", permissions = new[] { new { action = "readValue", subject = "secrets" } } }, fx.AdminToken);
        // V1 rules take one action (or, from newer clients, an array): the union's two failures, as zod reports them.
        Expect.Validation(readValue, ActionUnion(["permissions", 0, "action"], "readValue", "read", "create", "edit", "delete"));
        var imports = await Api.PostAsync($"/api/v1/workspace/{projectSlug}/roles",
            new { slug = "x", name = "x", permissions = new[] { new { action = "read", subject = "secret-imports" } } }, fx.AdminToken);
        // secret-imports is a subject of today's schema only; the V1 discriminator lists Infisical's V1 subjects.
        Expect.Validation(imports, Discriminator(["permissions", 0, "subject"], V1Subjects));
        var folderEdit = await Api.PostAsync($"/api/v1/workspace/{projectSlug}/roles",
            new { slug = "x", name = "x", permissions = new[] { new { action = "edit", subject = "secret-folders" } } }, fx.AdminToken);
        Expect.Validation(folderEdit, ActionUnion(["permissions", 0, "action"], "edit", "read"));

        Expect.Error(await Api.GetAsync("/api/v1/workspace/no-such-project/roles", fx.AdminToken), 404, "NotFound",
            "Project with slug 'no-such-project' not found");
        Expect.Error(await Api.PostAsync("/api/v1/workspace/no-such-project/roles",
            new { slug = "x", name = "x", permissions = Array.Empty<object>() }, fx.AdminToken), 404, "NotFound",
            "Project with slug 'no-such-project' not found");
    }

    private static readonly string[] V1Subjects =
    [
            "secrets", "secret-folders", "identity", "secret-rotation", "secret-approval", "secret-rollback", "member", "groups", "role",
            "integrations", "webhooks", "service-tokens", "settings", "environments", "tags", "audit-logs", "ip-allowlist",
            "ssh-certificate-authorities", "ssh-certificates", "ssh-certificate-templates", "ssh-host-groups", "pki-alerts", "pki-collections",
            "workspace", "kms", "cmek", "kmip", "commits", "secret-scanning-data-sources", "secret-scanning-findings", "secret-scanning-configs",
            "app-connections", "pam-folders", "pam-resources", "pam-accounts", "pam-sessions", "approval-requests", "approval-request-grants"
    ];

    private static JsonObject ActionUnion(object[] path, string received, params string[] options) => new()
    {
        ["code"] = "invalid_union",
        ["unionErrors"] = new JsonArray(
            new JsonObject { ["issues"] = new JsonArray(Issue.Enum(path, received, options)), ["name"] = "ZodError" },
            new JsonObject { ["issues"] = new JsonArray(Issue.WrongType(path, "array", "string")), ["name"] = "ZodError" }),
        ["path"] = new JsonArray([.. path.Select(p => p is int i ? (JsonNode)i : (JsonNode)(string)p)]),
        ["message"] = "Invalid input",
    };

    private static JsonObject Discriminator(object[] path, string[] options) => new()
    {
        ["code"] = "invalid_union_discriminator",
        ["options"] = new JsonArray([.. options.Select(o => (JsonNode)o)]),
        ["path"] = new JsonArray([.. path.Select(p => p is int i ? (JsonNode)i : (JsonNode)(string)p)]),
        ["message"] = $"Invalid discriminator value. Expected {string.Join(" | ", options.Select(o => $"'{o}'"))}",
    };
}
