using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Projects;

/// <summary>
/// The deprecated V1 additional-privilege routes Terraform's <c>infisical_project_identity_specific_privilege</c> calls,
/// in the provider's order: create (permanent, temporary), read by slug, update, delete — its only delete.
/// </summary>
public sealed class PrivilegeV1RouteTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Root = "/api/v1/additional-privilege/identity";

    private static readonly string[] V1Keys =
    [
        "id", "slug", "projectMembershipId", "isTemporary", "temporaryMode", "temporaryRange", "temporaryAccessStartTime",
        "temporaryAccessEndTime", "permissions", "createdAt", "updatedAt",
    ];

    private Api Api => fx.Api;

    private async Task<(string Id, string Slug, string IdentityId, string Token, string MembershipId)> WorldAsync()
    {
        var projectId = await fx.Given.ProjectAsync();
        var slug = (await Api.GetAsync($"/api/v1/projects/{projectId}", fx.AdminToken)).Json["project"]!["slug"]!.GetValue<string>();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "no-access");
        var membership = await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken);
        foreach (var env in new[] { "dev", "prod" })
        {
            Expect.Ok(await Api.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = env, name = "app", path = "/" }, fx.AdminToken));
            Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/KEY",
                new { workspaceId = projectId, environment = env, secretPath = "/app", secretValue = env }, fx.AdminToken));
        }
        return (projectId, slug, identityId, token, membership.Json["identityMembership"]!["id"]!.GetValue<string>());
    }

    private static void Denied(ApiResponse r) =>
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);

    private static object Rule(params string[] actions) => new
    {
        actions,
        subject = "secrets",
        conditions = new { environment = "dev", secretPath = new Dictionary<string, string> { ["$glob"] = "/app/**" } },
    };

    private const string Conditions = """{"environment":"dev","secretPath":{"$glob":"/app/**"}}""";

    [Fact]
    public async Task Terraforms_lifecycle_create_read_update_delete_through_the_V1_routes()
    {
        var (projectId, projectSlug, identityId, token, membershipId) = await WorldAsync();
        var read = $"/api/v3/secrets/raw/KEY?workspaceId={projectId}&environment=dev&secretPath=/app";
        Denied(await Api.GetAsync(read, token));

        var created = await Api.PostAsync($"{Root}/permanent",
            new { projectSlug, identityId, slug = "tf-privilege", privilegePermission = Rule("read", "edit") }, fx.AdminToken);
        Expect.Ok(created);
        var privilege = created.Json["privilege"]!.AsObject();
        Expect.Keys(privilege, V1Keys);
        Assert.Equal(["tf-privilege", membershipId], new[] { "slug", "projectMembershipId" }.Select(k => privilege[k]!.GetValue<string>()));
        Assert.False(privilege["isTemporary"]!.GetValue<bool>());
        // One rule per action, each backfilled; the derived import, folder and dynamic-secret rules are not shown.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            [{"subject":"secrets","action":["read","readValue"],"conditions":{{Conditions}},"inverted":false},
             {"subject":"secrets","action":["edit"],"conditions":{{Conditions}},"inverted":false}]
            """), privilege["permissions"]), privilege["permissions"]!.ToJsonString());
        var value = await Api.GetAsync(read, token);
        Expect.Ok(value);
        Assert.Equal("dev", value.Json["secret"]!["secretValue"]!.GetValue<string>());
        Denied(await Api.GetAsync($"/api/v3/secrets/raw/KEY?workspaceId={projectId}&environment=prod&secretPath=/app", token));

        var bySlug = await Api.GetAsync($"{Root}/tf-privilege?projectSlug={projectSlug}&identityId={identityId}", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(created.Json, bySlug.Json), bySlug.Json.ToJsonString());

        var updated = await Api.PatchAsync(Root, new
        {
            projectSlug,
            identityId,
            privilegeSlug = "tf-privilege",
            privilegeDetails = new { slug = "tf-privilege-2", privilegePermission = Rule("create"), isTemporary = false },
        }, fx.AdminToken);
        Expect.Ok(updated);
        Assert.Equal("tf-privilege-2", updated.Json["privilege"]!["slug"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""[{"subject":"secrets","action":["create"],"conditions":{{Conditions}},"inverted":false}]"""),
            updated.Json["privilege"]!["permissions"]), updated.Json["privilege"]!["permissions"]!.ToJsonString());
        Denied(await Api.GetAsync(read, token));

        var start = fx.Server.Clock.GetUtcNow().UtcDateTime.AddMinutes(-1);
        var temporary = await Api.PostAsync($"{Root}/temporary", new
        {
            projectSlug,
            identityId,
            slug = "for-an-hour",
            privilegePermission = Rule("read"),
            temporaryMode = "relative",
            temporaryRange = "1h",
            temporaryAccessStartTime = start.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        }, fx.AdminToken);
        Expect.Ok(temporary);
        var t = temporary.Json["privilege"]!.AsObject();
        Assert.True(t["isTemporary"]!.GetValue<bool>());
        Assert.Equal(["relative", "1h", start.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ")],
            new[] { "temporaryMode", "temporaryRange", "temporaryAccessEndTime" }.Select(k => t[k]!.GetValue<string>()));
        Expect.Ok(await Api.GetAsync(read, token));

        var list = await Api.GetAsync($"{Root}?projectSlug={projectSlug}&identityId={identityId}", fx.AdminToken);
        Expect.Ok(list);
        Assert.Equal(["tf-privilege-2", "for-an-hour"], list.Json["privileges"]!.AsArray().Select(p => p!["slug"]!.GetValue<string>()).Order().Reverse());
        foreach (var p in list.Json["privileges"]!.AsArray()) Expect.Keys(p!.AsObject(), V1Keys);

        var deleted = await Api.SendAsync(HttpMethod.Delete, Root, new { projectSlug, identityId, privilegeSlug = "for-an-hour" }, fx.AdminToken);
        Expect.Ok(deleted);
        Assert.True(JsonNode.DeepEquals(temporary.Json, deleted.Json), deleted.Json.ToJsonString());
        Denied(await Api.GetAsync(read, token));
        Expect.Error(await Api.GetAsync($"{Root}/for-an-hour?projectSlug={projectSlug}&identityId={identityId}", fx.AdminToken), 404, "NotFound",
            "Additional privilege with name for-an-hour not found");
        Expect.Error(await Api.SendAsync(HttpMethod.Delete, Root, new { projectSlug, identityId, privilegeSlug = "for-an-hour" }, fx.AdminToken),
            404, "NotFound", "Additional privilege with name for-an-hour not found");
    }

    [Fact]
    public async Task Bad_V1_bodies_are_refused_before_anything_is_written()
    {
        var (_, projectSlug, identityId, _, _) = await WorldAsync();
        Expect.Error(await Api.PostAsync($"{Root}/permanent", new { projectSlug, identityId, slug = "nothing" }, fx.AdminToken), 400, "BadRequest",
            "Permission or privilegePermission must be provided");
        var otherSubject = await Api.PostAsync($"{Root}/permanent", new
        {
            projectSlug,
            identityId,
            privilegePermission = new { actions = new[] { "read" }, subject = "environments", conditions = new { environment = "dev" } },
        }, fx.AdminToken);
        Expect.Validation(otherSubject, Issue.Enum(["privilegePermission", "subject"], "environments", "secrets"));
        var todaysAction = await Api.PostAsync($"{Root}/permanent",
            new { projectSlug, identityId, privilegePermission = Rule("readValue") }, fx.AdminToken);
        Expect.Validation(todaysAction, Issue.Enum(["privilegePermission", "actions", 0], "readValue", "read", "create", "edit", "delete"));
        Expect.Error(await Api.PostAsync($"{Root}/permanent", new { projectSlug = "no-such-project", identityId, privilegePermission = Rule("read") },
            fx.AdminToken), 404, "NotFound", "Project with slug 'no-such-project' not found");
        Expect.Ok(await Api.PostAsync($"{Root}/permanent", new { projectSlug, identityId, slug = "taken", privilegePermission = Rule("read") }, fx.AdminToken));
        Expect.Error(await Api.PostAsync($"{Root}/permanent", new { projectSlug, identityId, slug = "taken", privilegePermission = Rule("read") }, fx.AdminToken),
            400, "BadRequest", "Additional privilege with provided slug already exists");
        var list = await Api.GetAsync($"{Root}?projectSlug={projectSlug}&identityId={identityId}", fx.AdminToken);
        Assert.Single(list.Json["privileges"]!.AsArray());
    }

    [Fact]
    public async Task The_V1_routes_keep_the_privilege_boundary()
    {
        var (projectId, projectSlug, identityId, _, _) = await WorldAsync();
        // May edit identities, holds no secret rights: it cannot grant them to anyone.
        await fx.Given.RoleAsync(projectId, "identity-editor", [new { subject = "identity", action = new[] { "read", "edit", "grant-privileges" } }]);
        var (_, editor) = await fx.Given.ProjectMemberAsync(projectId, "identity-editor");
        var refused = await Api.PostAsync($"{Root}/permanent", new { projectSlug, identityId, slug = "wide", privilegePermission = Rule("read") }, editor);
        Expect.Error(refused, 403, "PermissionBoundaryError", "Failed to update more privileged identity. Actor privilege level is not high enough to perform this action", allowDetails: true);
        var list = await Api.GetAsync($"{Root}?projectSlug={projectSlug}&identityId={identityId}", fx.AdminToken);
        Assert.Empty(list.Json["privileges"]!.AsArray());
    }
}
