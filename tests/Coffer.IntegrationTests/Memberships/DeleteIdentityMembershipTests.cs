using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Memberships;

/// <summary>The founding endpoint: DELETE …/identity-memberships/{identityId} on every path form (decision 11).</summary>
public sealed class DeleteIdentityMembershipTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Forms => new()
    {
        "/api/v1/projects/{0}/identity-memberships/{1}",
        "/api/v2/workspace/{0}/identity-memberships/{1}",
        "/api/v1/projects/{0}/memberships/identities/{1}",
    };

    private Api Api => fx.Api;

    private static string Path(string form, string projectId, string identityId) => string.Format(form, projectId, identityId);

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Delete_returns_exactly_the_deleted_row(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role = "viewer" }, fx.AdminToken);
        Expect.Ok(created);

        var r = await Api.DeleteAsync(Path(form, projectId, identityId), fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "identityMembership");
        var m = r.Json["identityMembership"]!.AsObject();
        Expect.Keys(m, "id", "projectId", "identityId", "createdAt", "updatedAt");
        Assert.Equal(created.Json["identityMembership"]!.ToJsonString(), m.ToJsonString());
        Assert.Equal(projectId, m["projectId"]!.GetValue<string>());
        Assert.Equal(identityId, m["identityId"]!.GetValue<string>());
        Assert.True(Guid.TryParse(m["id"]!.GetValue<string>(), out _));
        Assert.Matches(Expect.IsoMillis(), m["createdAt"]!.GetValue<string>());
        Assert.Matches(Expect.IsoMillis(), m["updatedAt"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Removed_identity_is_denied_on_its_very_next_request(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{projectId}", token));

        Expect.Ok(await Api.DeleteAsync(Path(form, projectId, identityId), fx.AdminToken));

        var after = await Api.GetAsync($"/api/v1/projects/{projectId}", token);
        Expect.Error(after, 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Roles_privileges_and_membership_go_together_and_are_audited(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new
        {
            roles = new object[]
            {
                new { role = "viewer" },
                new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "1h", temporaryAccessStartTime = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ") },
            },
        }, fx.AdminToken));
        await fx.Given.PrivilegeAsync(projectId, identityId);
        Assert.Equal(1, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM identity_project_additional_privileges WHERE identity_id = @identityId", new { identityId }));

        var r = await Api.DeleteAsync(Path(form, projectId, identityId), fx.AdminToken);
        Expect.Ok(r);
        var membershipId = r.Json["identityMembership"]!["id"]!.GetValue<string>();

        Assert.Equal(0, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE id = @membershipId", new { membershipId }));
        Assert.Equal(0, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_membership_roles WHERE membership_id = @membershipId", new { membershipId }));
        Assert.Equal(0, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM identity_project_additional_privileges WHERE identity_id = @identityId AND project_id = @projectId", new { identityId, projectId }));
        var events = await Rows.QueryAsync<string>(fx.Server,
            "SELECT event_metadata FROM audit_logs WHERE event_type = 'delete-identity-project-membership' AND project_id = @projectId", new { projectId });
        var metadata = Assert.Single(events);
        Assert.Equal($"{{\"identityId\":\"{identityId}\"}}", metadata);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Missing_token_and_bad_token_are_401(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId);
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, identityId)), 401, "UnauthorizedError", "Token missing");
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, identityId), "garbage"), 401, "TokenError",
            "The provided access token is malformed. Please use a valid token or generate a new one and try again.");
        Assert.Equal(1, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE identity_id = @identityId", new { identityId }));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Missing_project_is_404(string form)
    {
        var identityId = await fx.Given.IdentityAsync();
        var missing = Guid.NewGuid().ToString();
        Expect.Error(await Api.DeleteAsync(Path(form, missing, identityId), fx.AdminToken), 404, "NotFound", $"Project with ID '{missing}' not found");
        Expect.Error(await Api.DeleteAsync(Path(form, "not-a-uuid", identityId), fx.AdminToken), 404, "NotFound", "Project with ID 'not-a-uuid' not found");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Missing_identity_or_non_member_is_404(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var stranger = await fx.Given.IdentityAsync();
        var missing = Guid.NewGuid().ToString();
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, missing), fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{missing}' is not a member of project with ID '{projectId}'");
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, "not-a-uuid"), fx.AdminToken), 404, "NotFound",
            $"Identity with ID 'not-a-uuid' is not a member of project with ID '{projectId}'");
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, stranger), fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{stranger}' is not a member of project with ID '{projectId}'");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Second_delete_is_404(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId);
        Expect.Ok(await Api.DeleteAsync(Path(form, projectId, identityId), fx.AdminToken));
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, identityId), fx.AdminToken), 404, "NotFound",
            $"Identity with ID '{identityId}' is not a member of project with ID '{projectId}'");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Deleting_your_own_membership_is_400(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var adminIdentityId = fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>();
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, adminIdentityId), fx.AdminToken), 400, "BadRequest", "You can't delete your own membership");
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{projectId}", fx.AdminToken));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Actor_outside_the_project_is_403(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var target = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, target);
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync("admin");
        Expect.Error(await Api.DeleteAsync(Path(form, projectId, target), outsider), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");
        Assert.Equal(1, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE identity_id = @target", new { target }));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Viewer_lacks_delete_on_identity(string form)
    {
        var projectId = await fx.Given.ProjectAsync();
        var target = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, target);
        var (_, viewer) = await fx.Given.ProjectMemberAsync(projectId, "viewer");
        var r = await Api.DeleteAsync(Path(form, projectId, target), viewer);
        var body = Expect.Error(r, 403, "PermissionDenied", "You are not allowed to delete on identity", allowDetails: true);
        Assert.NotNull(body["details"]);
        Assert.Equal(1, await Rows.CountAsync(fx.Server, "SELECT COUNT(*) FROM project_memberships WHERE identity_id = @target", new { target }));
    }

    [Fact]
    public async Task Project_member_may_delete_only_memberships_that_hold_no_more_than_it_does()
    {
        // Infisical lets a project member delete the admin's membership; Coffer runs the privilege boundary (issue 28).
        var projectId = await fx.Given.ProjectAsync();
        var adminTarget = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, adminTarget, "admin");
        var peer = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, peer, "member");
        var (_, member) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{adminTarget}", member), 403, "PermissionBoundaryError",
            "Failed to delete identity project membership. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{peer}", member));
    }

    [Fact]
    public async Task Condition_on_identity_id_limits_which_memberships_may_be_deleted()
    {
        var projectId = await fx.Given.ProjectAsync();
        var allowed = await fx.Given.IdentityAsync();
        var other = await fx.Given.IdentityAsync();
        // Both hold nothing, so the privilege boundary does not stand in the way of the condition under test.
        await fx.Given.MemberAsync(projectId, allowed, "no-access");
        await fx.Given.MemberAsync(projectId, other, "no-access");
        await fx.Given.RoleAsync(projectId, "identity-janitor", new object[]
        {
            new { subject = "identity", action = new[] { "read" } },
            new { subject = "identity", action = new[] { "delete" }, conditions = new Dictionary<string, object> { ["identityId"] = new Dictionary<string, string> { ["$eq"] = allowed } } },
        });
        var (_, janitor) = await fx.Given.ProjectMemberAsync(projectId, "identity-janitor");

        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{other}", janitor), 403, "PermissionDenied",
            "You are not allowed to delete on identity", allowDetails: true);
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{allowed}", janitor));
    }

    [Fact]
    public async Task Temporary_member_loses_delete_the_instant_its_role_ends()
    {
        var projectId = await fx.Given.ProjectAsync();
        var target = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, target);
        var (actorId, token) = await fx.Given.IdentityWithTokenAsync();
        var start = fx.Server.Clock.GetUtcNow().UtcDateTime;
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{actorId}", new
        {
            roles = new object[]
            {
                new { role = "no-access" },
                new { role = "member", isTemporary = true, temporaryMode = "relative", temporaryRange = "10m", temporaryAccessStartTime = start.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ") },
            },
        }, fx.AdminToken));
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", token));

        fx.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{target}", token), 403, "PermissionDenied",
            "You are not allowed to delete on identity", allowDetails: true);
    }
}
