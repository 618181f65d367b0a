using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Memberships;

public sealed class CreateIdentityMembershipTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Forms => new()
    {
        "/api/v1/projects/{0}/identity-memberships/{1}",
        "/api/v2/workspace/{0}/identity-memberships/{1}",
        "/api/v1/projects/{0}/memberships/identities/{1}",
    };

    private Api Api => fx.Api;

    private static string Path(string form, string projectId, string identityId) => string.Format(form, projectId, identityId);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Create_returns_the_membership_row_and_audits(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync(Path(form, projectId, identityId), new { roles = new[] { new { role = "viewer" } } }, fx.AdminToken);
        Expect.Ok(r);
        var m = r.Json["identityMembership"]!.AsObject();
        Expect.Keys(m, "id", "projectId", "identityId", "createdAt", "updatedAt");
        Assert.Equal(projectId, m["projectId"]!.GetValue<string>());
        Assert.Equal(identityId, m["identityId"]!.GetValue<string>());
        var audit = await Rows.QueryAsync<string>(fx.Server,
            "SELECT event_metadata FROM audit_logs WHERE event_type = 'create-identity-project-membership' AND project_id = @projectId", new { projectId });
        Assert.Equal($"{{\"identityId\":\"{identityId}\",\"roles\":[{{\"role\":\"viewer\",\"isTemporary\":false}}]}}", Assert.Single(audit));
    }

    [Fact]
    public async Task Role_defaults_to_no_access()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { }, fx.AdminToken));
        var got = await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken);
        Assert.Equal("no-access", got.Json["identityMembership"]!["roles"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Empty_role_without_roles_is_400()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role = "" }, fx.AdminToken),
            400, "BadRequest", "You must provide either role or roles field");
    }

    [Fact]
    public async Task Only_temporary_roles_or_an_empty_list_is_400()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var path = $"/api/v1/projects/{projectId}/identity-memberships/{identityId}";
        Expect.Error(await Api.PostAsync(path, new { roles = Array.Empty<object>() }, fx.AdminToken), 400, "BadRequest", "Identity must have at least one permanent role");
        Expect.Error(await Api.PostAsync(path, new
        {
            roles = new[] { new { role = "viewer", isTemporary = true, temporaryMode = "relative", temporaryRange = "1h", temporaryAccessStartTime = Iso(DateTime.UtcNow) } },
        }, fx.AdminToken), 400, "BadRequest", "Identity must have at least one permanent role");
        Assert.Equal(0, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE identity_id = @identityId", new { identityId }));
    }

    [Fact]
    public async Task Temporary_role_stores_its_window()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var start = new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new
        {
            roles = new object[]
            {
                new { role = "viewer" },
                new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "2d", temporaryAccessStartTime = Iso(start) },
            },
        }, fx.AdminToken));
        var got = await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken);
        var temp = got.Json["identityMembership"]!["roles"]!.AsArray().Single(r => r!["isTemporary"]!.GetValue<bool>())!.AsObject();
        Assert.Equal("relative", temp["temporaryMode"]!.GetValue<string>());
        Assert.Equal("2d", temp["temporaryRange"]!.GetValue<string>());
        Assert.Equal("2030-01-02T03:04:05.678Z", temp["temporaryAccessStartTime"]!.GetValue<string>());
        Assert.Equal("2030-01-04T03:04:05.678Z", temp["temporaryAccessEndTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_role_items_are_zod_shaped_422s()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var path = $"/api/v1/projects/{projectId}/identity-memberships/{identityId}";

        var badRange = await Api.PostAsync(path, new
        {
            roles = new object[] { new { role = "viewer" }, new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "-1h", temporaryAccessStartTime = Iso(DateTime.UtcNow) } },
        }, fx.AdminToken);
        Expect.Validation(badRange, Issue.Custom(["roles", 1, "temporaryRange"], "Temporary range must be a positive number"));

        var badDate = await Api.PostAsync(path, new
        {
            roles = new object[] { new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "1h", temporaryAccessStartTime = "2030-01-01T00:00:00+02:00" } },
        }, fx.AdminToken);
        Expect.Validation(badDate, new JsonObject
        {
            ["code"] = "invalid_string",
            ["validation"] = "datetime",
            ["path"] = new JsonArray("roles", 0, "temporaryAccessStartTime"),
            ["message"] = "Invalid datetime",
        });

        var notAnItem = await Api.PostAsync(path, new { roles = new object[] { 5 } }, fx.AdminToken);
        Assert.Equal(422, notAnItem.Code);
        var union = notAnItem.Json["message"]![0]!.AsObject();
        Assert.Equal("invalid_union", union["code"]!.GetValue<string>());
        Assert.Equal("Invalid input", union["message"]!.GetValue<string>());
        Assert.Equal(2, union["unionErrors"]!.AsArray().Count);

        var emptyRange = await Api.PostAsync(path, new
        {
            roles = new object[] { new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "", temporaryAccessStartTime = Iso(DateTime.UtcNow) } },
        }, fx.AdminToken);
        Expect.Error(emptyRange, 400, "BadRequest", "Invalid date format string: ");
    }

    [Fact]
    public async Task Duplicate_membership_is_400_checked_last()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId);
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role = "viewer" }, fx.AdminToken),
            400, "BadRequest", "Identity is already a member");
        // Role resolution runs before the duplicate check.
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role = "ghost" }, fx.AdminToken),
            404, "NotFound", $"Specified roles 'ghost' was not found in the project with ID '{projectId}'");
    }

    [Fact]
    public async Task Concurrent_creates_make_one_membership()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role = "viewer" }, fx.AdminToken)));
        Assert.Equal(1, results.Count(r => r.Code == 200));
        Assert.All(results.Where(r => r.Code != 200), r => Expect.Error(r, 400, "BadRequest", "Identity is already a member"));
    }

    [Fact]
    public async Task Unknown_custom_roles_are_named_in_the_404()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}",
            new { roles = new[] { new { role = "viewer" }, new { role = "ghost" }, new { role = "custom" } } }, fx.AdminToken);
        Expect.Error(r, 404, "NotFound", $"Specified roles 'ghost,custom' was not found in the project with ID '{projectId}'");
    }

    [Fact]
    public async Task Identity_outside_the_org_is_404()
    {
        var projectId = await fx.Given.ProjectAsync();
        var missing = Guid.NewGuid().ToString();
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{missing}", new { role = "viewer" }, fx.AdminToken),
            404, "NotFound", $"Identity {missing} is missing organization membership");
    }

    [Fact]
    public async Task Member_cannot_grant_any_role_but_admin_can()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, member) = await fx.Given.ProjectMemberAsync(projectId, "member");
        var target = await fx.Given.IdentityAsync();
        var r = await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", new { role = "admin" }, member);
        var body = Expect.Error(r, 403, "PermissionBoundaryError",
            "Failed to create identity project membership. Actor is missing permission grant-privileges on identity", allowDetails: true);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"missingPermissions":[{"action":"grant-privileges","subject":"identity"}]}"""), body["details"]));
        Assert.Equal(0, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE identity_id = @target", new { target }));

        // Granting nothing needs no privilege.
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", new { role = "no-access" }, member));

        var (_, admin) = await fx.Given.ProjectMemberAsync(projectId, "admin");
        var other = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{other}", new { role = "admin" }, admin));
    }

    [Fact]
    public async Task Viewer_cannot_create()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        var target = await fx.Given.IdentityAsync();
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", new { role = "viewer" }, viewer),
            403, "PermissionDenied", "You are not allowed to create on identity", allowDetails: true);
    }

    [Fact]
    public async Task Role_checks_come_before_the_permission_check()
    {
        var projectId = await fx.Given.ProjectAsync();
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync();
        var target = await fx.Given.IdentityAsync();
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", new { roles = Array.Empty<object>() }, outsider),
            400, "BadRequest", "Identity must have at least one permanent role");
    }
}
