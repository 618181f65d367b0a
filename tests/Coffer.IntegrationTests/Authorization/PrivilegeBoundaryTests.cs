using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Issue 28's findings, one test each: whatever grants, widens or removes access passes the privilege boundary against
/// what the target holds now, and a refusal leaves the database unchanged.
/// </summary>
public sealed class PrivilegeBoundaryTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] Stateful = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    private Api Api => fx.Api;

    private string InstanceAdminId => fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>();

    /// <summary>Every write an org <c>member</c> may make to an identity or its auth methods, aimed at <paramref name="id"/>.</summary>
    private static (string Method, string Path, object? Body)[] IdentityWrites(string id) =>
    [
        ("PATCH", $"/api/v1/identities/{id}", new { name = "taken-over" }),
        ("PATCH", $"/api/v1/identities/{id}", new { hasDeleteProtection = false }),
        ("DELETE", $"/api/v1/identities/{id}", null),
        ("PATCH", $"/api/v1/auth/universal-auth/identities/{id}", new { accessTokenTrustedIps = new[] { new { ipAddress = "192.0.2.1/32" } } }),
        ("POST", $"/api/v1/auth/universal-auth/identities/{id}/clear-lockouts", new { }),
        ("POST", $"/api/v1/auth/token-auth/identities/{id}", new { }),
    ];

    [Fact]
    public async Task An_org_member_cannot_reconfigure_delete_or_lock_out_the_instance_admin_or_an_org_admin()
    {
        var (_, member) = await fx.Given.IdentityWithTokenAsync("member");
        var orgAdmin = await fx.Given.IdentityAsync("admin");
        await fx.Given.UniversalAuthAsync(orgAdmin);
        await fx.Given.UniversalAuthAsync(InstanceAdminId);

        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        foreach (var (method, path, body) in IdentityWrites(InstanceAdminId))
        {
            var r = await Api.SendAsync(new HttpMethod(method), path, body, member);
            Expect.Error(r, 403, "PermissionBoundaryError", $"{Operation(method, path)}. The instance admin identity can only be changed by itself or a server administrator");
        }
        foreach (var (method, path, body) in IdentityWrites(orgAdmin))
        {
            var r = await Api.SendAsync(new HttpMethod(method), path, body, member);
            var error = Expect.Error(r, 403, "PermissionBoundaryError", $"{Operation(method, path)}. Actor privilege level is not high enough to perform this action",
                allowDetails: true);
            Assert.NotEmpty(error["details"]!["missingPermissions"]!.AsArray());
        }
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused change to an identity changed the database");

        // Another organization admin holds everything an admin holds, but the instance admin identity is still its own.
        var (_, otherAdmin) = await fx.Given.IdentityWithTokenAsync("admin");
        var guarded = await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{InstanceAdminId}",
            new { accessTokenTrustedIps = new[] { new { ipAddress = "192.0.2.1/32" } } }, otherAdmin);
        Expect.Error(guarded, 403, "PermissionBoundaryError",
            "Failed to update universal auth. The instance admin identity can only be changed by itself or a server administrator");
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{orgAdmin}", new { name = "renamed-by-admin" }, otherAdmin));
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{InstanceAdminId}", new { hasDeleteProtection = true }, fx.AdminToken));
    }

    [Fact]
    public async Task An_org_member_may_change_itself_and_peers_that_hold_no_more_than_it_does()
    {
        var (self, member) = await fx.Given.IdentityWithTokenAsync("member");
        var peer = await fx.Given.IdentityAsync("member");
        await fx.Given.UniversalAuthAsync(peer);
        Expect.Ok(await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{self}", new { accessTokenTTL = 600 }, member));
        Expect.Ok(await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{peer}", new { accessTokenTTL = 600 }, member));
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{peer}", new { name = "peer-renamed" }, member));

        // A peer that is a member of a project the actor is not in holds what the actor does not.
        var project = await fx.Given.ProjectAsync();
        await fx.Given.MemberAsync(project, peer, "admin");
        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        var refused = await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{peer}", new { accessTokenTTL = 60 }, member);
        var error = Expect.Error(refused, 403, "PermissionBoundaryError",
            "Failed to update universal auth. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Assert.Contains(error["details"]!["missingPermissions"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == "secrets");
        var deleted = await Api.DeleteAsync($"/api/v1/identities/{peer}", member);
        Expect.Error(deleted, 403, "PermissionBoundaryError", "Failed to delete identity. Actor privilege level is not high enough to perform this action",
            allowDetails: true);
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused change to an identity changed the database");

        // Once the actor holds as much in that project, it may.
        var (_, projectAdmin) = await ProjectAdminMemberAsync(project);
        Expect.Ok(await Api.PatchAsync($"/api/v1/auth/universal-auth/identities/{peer}", new { accessTokenTTL = 60 }, projectAdmin));
    }

    [Fact]
    public async Task Identity_names_and_metadata_that_feed_templates_pass_the_boundary_match_literally_and_apply_at_once()
    {
        var p = await fx.Given.TestProjectAsync();
        foreach (var team in new[] { "team-a", "team-b" })
        {
            await Secrets.SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/" + team);
            await Secrets.SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, team.ToUpperInvariant().Replace('-', '_') + "_KEY", team, path: "/" + team);
        }
        await fx.Given.RoleAsync(p.Id, "by-team", [new
        {
            subject = "secrets",
            action = new[] { "describeSecret", "readValue" },
            conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = "/{{identity.metadata.team}}/**" } },
        }]);
        await fx.Given.RoleAsync(p.Id, "by-name", [new
        {
            subject = "secrets",
            action = new[] { "describeSecret", "readValue" },
            conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = "/{{identity.username}}/**" } },
        }]);
        var (id, token) = await fx.Given.IdentityWithTokenAsync("member");
        await fx.Given.MemberAsync(p.Id, id, "by-team");
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{id}", new { metadata = new[] { new { key = "team", value = "team-a" } } }, fx.AdminToken));
        var named = await fx.Given.IdentityAsync("member", name: "team-a");
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(named);
        var namedToken = await fx.Given.LoginAsync(clientId, secret);
        await fx.Given.MemberAsync(p.Id, named, "by-name");
        Assert.Equal(["TEAM_A_KEY"], await VisibleAsync(p.Id, token));
        Assert.Equal(["TEAM_A_KEY"], await VisibleAsync(p.Id, namedToken));

        // Neither may move its own scope: the rules as they would render afterwards are not within what it holds now.
        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        foreach (var value in new[] { "team-b", "**" })
        {
            var r = await Api.PatchAsync($"/api/v1/identities/{id}", new { metadata = new[] { new { key = "team", value } } }, token);
            Expect.Error(r, 403, "PermissionBoundaryError", "Failed to update identity. Actor privilege level is not high enough to perform this action",
                allowDetails: true);
        }
        var renamed = await Api.PatchAsync($"/api/v1/identities/{named}", new { name = "team-b" }, namedToken);
        Expect.Error(renamed, 403, "PermissionBoundaryError", "Failed to update identity. Actor privilege level is not high enough to perform this action",
            allowDetails: true);
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused identity change changed the database");
        // A change that renders the same rules is no widening.
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{id}", new { metadata = new[] { new { key = "team", value = "team-a" }, new { key = "x", value = "y" } } },
            token));

        // A value is pasted into the glob literally, and a change by someone entitled to make it applies on the next request.
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{id}", new { metadata = new[] { new { key = "team", value = "**" } } }, fx.AdminToken));
        Assert.Empty(await VisibleAsync(p.Id, token));
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{id}", new { metadata = new[] { new { key = "team", value = "team-b" } } }, fx.AdminToken));
        Assert.Equal(["TEAM_B_KEY"], await VisibleAsync(p.Id, token));
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{named}", new { name = "team-b" }, fx.AdminToken));
        Assert.Equal(["TEAM_B_KEY"], await VisibleAsync(p.Id, namedToken));
    }

    [Fact]
    public async Task A_role_editor_cannot_write_a_role_beyond_its_own_rights_or_change_one_held_by_someone_with_more()
    {
        var p = await fx.Given.ProjectAsync();
        object[] editorRules =
        [
            new { subject = "role", action = new[] { "read", "create", "edit" } },
            new { subject = "secrets", action = new[] { "describeSecret" }, conditions = new { environment = "dev" } },
        ];
        var editorRole = await fx.Given.RoleAsync(p, "role-editor", editorRules);
        var readersRole = await fx.Given.RoleAsync(p, "readers", [new { subject = "secrets", action = new[] { "describeSecret", "readValue" } }]);
        var (editor, token) = await fx.Given.IdentityWithTokenAsync("member");
        await fx.Given.MemberAsync(p, editor, "role-editor");
        var reader = await fx.Given.IdentityAsync("member");
        await fx.Given.MemberAsync(p, reader, "readers");
        object[] everything = [new { subject = "secrets", action = new[] { "describeSecret", "readValue", "create", "edit", "delete" } }, .. editorRules];

        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        var own = await Api.PatchAsync($"/api/v1/projects/{p}/roles/{editorRole}", new { permissions = everything }, token);
        Expect.Error(own, 403, "PermissionBoundaryError", "Failed to update role. Actor privilege level is not high enough to perform this action",
            allowDetails: true);
        var created = await Api.PostAsync($"/api/v1/projects/{p}/roles", new { slug = "super", name = "super", permissions = everything }, token);
        Expect.Error(created, 403, "PermissionBoundaryError", "Failed to create role. Actor privilege level is not high enough to perform this action",
            allowDetails: true);
        var narrowed = await Api.PatchAsync($"/api/v1/projects/{p}/roles/{readersRole}",
            new { permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" }, conditions = new { environment = "dev" } } } }, token);
        Expect.Error(narrowed, 403, "PermissionBoundaryError", "Failed to update role. Actor privilege level is not high enough to perform this action",
            allowDetails: true);
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused role change changed the database");

        // Within its own rights it may create and change roles.
        object[] subset = [new { subject = "secrets", action = new[] { "describeSecret" }, conditions = new { environment = "dev" } }];
        var mine = await Api.PostAsync($"/api/v1/projects/{p}/roles", new { slug = "dev-describe", name = "dev-describe", permissions = subset }, token);
        Expect.Ok(mine);
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{p}/roles/{mine.Json["role"]!["id"]!.GetValue<string>()}", new { name = "renamed", permissions = subset },
            token));
    }

    [Fact]
    public async Task A_project_member_cannot_demote_or_remove_the_project_admin_or_strip_its_privileges()
    {
        var p = await fx.Given.ProjectAsync();
        var (admin, _) = await ProjectAdminMemberAsync(p);
        var privilege = await fx.Given.PrivilegeAsync(p, admin);
        var (_, member) = await fx.Given.ProjectMemberAsync(p, "member");

        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        var demoted = await Api.PatchAsync($"/api/v1/projects/{p}/identity-memberships/{admin}", new { roles = new[] { new { role = "no-access" } } }, member);
        Expect.Error(demoted, 403, "PermissionBoundaryError",
            "Failed to update identity project membership. Actor privilege level is not high enough to perform this action", allowDetails: true);
        foreach (var path in new[] { $"/api/v1/projects/{p}/identity-memberships/{admin}", $"/api/v2/workspace/{p}/identity-memberships/{admin}" })
        {
            var removed = await Api.DeleteAsync(path, member);
            Expect.Error(removed, 403, "PermissionBoundaryError",
                "Failed to delete identity project membership. Actor privilege level is not high enough to perform this action", allowDetails: true);
        }
        var stripped = await Api.DeleteAsync($"/api/v2/identity-project-additional-privilege/{privilege}", member);
        Expect.Error(stripped, 403, "PermissionBoundaryError",
            "Failed to delete more privileged identity. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused membership change changed the database");

        // A peer holding no more than the member may be changed by it.
        var (peer, _) = await fx.Given.ProjectMemberAsync(p, "member");
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{p}/identity-memberships/{peer}", new { roles = new[] { new { role = "no-access" } } }, member));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{p}/identity-memberships/{peer}", member));
    }

    [Fact]
    public async Task An_identity_cannot_make_its_own_temporary_privilege_permanent()
    {
        var p = await fx.Given.ProjectAsync();
        var (self, token) = await ProjectAdminMemberAsync(p);
        var start = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var created = await Api.PostAsync("/api/v2/identity-project-additional-privilege", new
        {
            identityId = self,
            projectId = p,
            slug = "break-glass",
            permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" } } },
            type = new { isTemporary = true, temporaryMode = "relative", temporaryRange = "1h", temporaryAccessStartTime = start },
        }, fx.AdminToken);
        Expect.Ok(created);
        var id = created.Json["privilege"]!["id"]!.GetValue<string>();

        var before = await DbSnapshot.TakeAsync(fx.Server, Stateful);
        var permanent = await Api.PatchAsync($"/api/v2/identity-project-additional-privilege/{id}", new { type = new { isTemporary = false } }, token);
        Expect.Error(permanent, 403, "PermissionBoundaryError",
            "Failed to update more privileged identity. An identity cannot make its own temporary privilege permanent or longer");
        var longer = await Api.PatchAsync($"/api/v2/identity-project-additional-privilege/{id}",
            new { type = new { isTemporary = true, temporaryMode = "relative", temporaryRange = "30d", temporaryAccessStartTime = start } }, token);
        Expect.Error(longer, 403, "PermissionBoundaryError",
            "Failed to update more privileged identity. An identity cannot make its own temporary privilege permanent or longer");
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server, Stateful), "a refused privilege change changed the database");

        // Shortening it is allowed; the admin may make it permanent.
        Expect.Ok(await Api.PatchAsync($"/api/v2/identity-project-additional-privilege/{id}",
            new { type = new { isTemporary = true, temporaryMode = "relative", temporaryRange = "10m", temporaryAccessStartTime = start } }, token));
        Expect.Ok(await Api.PatchAsync($"/api/v2/identity-project-additional-privilege/{id}", new { type = new { isTemporary = false } }, fx.AdminToken));
    }

    [Fact]
    public async Task An_org_admin_gets_back_into_a_project_through_the_audited_recovery_route()
    {
        var (_, creator) = await fx.Given.IdentityWithTokenAsync("member");
        var p = await fx.Given.ProjectAsync(token: creator);
        var (orgAdmin, orgAdminToken) = await fx.Given.IdentityWithTokenAsync("admin");
        var (_, member) = await fx.Given.IdentityWithTokenAsync("member");
        var path = $"/api/v1/organization-admin/projects/{p}/grant-admin-access";

        Expect.Error(await Api.GetAsync($"/api/v1/projects/{p}", orgAdminToken), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {p}. Please assign this identity to the project with the appropriate permissions, then try again.");
        Expect.Error(await Api.PostAsync(path, null, member), 403, "PermissionDenied",
            "You are not allowed to access-all-projects on organization-admin-console", allowDetails: true);

        var granted = await Api.PostAsync(path, null, orgAdminToken);
        Expect.Ok(granted);
        var membership = granted.Json["membership"]!.AsObject();
        Expect.Keys(membership, "id", "projectId", "identityId", "userId", "createdAt", "updatedAt");
        Assert.Equal(orgAdmin, membership["identityId"]!.GetValue<string>());
        Expect.Ok(await Api.GetAsync($"/api/v1/projects/{p}", orgAdminToken));
        var listed = await Api.GetAsync($"/api/v1/projects/{p}/identity-memberships/{orgAdmin}", orgAdminToken);
        Expect.Ok(listed);
        Assert.Equal(["admin"], listed.Json["identityMembership"]!["roles"]!.AsArray().Select(r => r!["role"]!.GetValue<string>()));

        // Asking again changes nothing but the audit trail.
        Expect.Ok(await Api.PostAsync(path, null, orgAdminToken));
        var again = await Api.GetAsync($"/api/v1/projects/{p}/identity-memberships/{orgAdmin}", orgAdminToken);
        Assert.Single(again.Json["identityMembership"]!["roles"]!.AsArray());
        var audit = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={p}&eventType=org-admin-accessed-project", orgAdminToken);
        Expect.Ok(audit);
        Assert.Equal(2, audit.Json["auditLogs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Audit_reads_without_a_project_show_only_what_the_actor_may_read_whatever_the_filter()
    {
        var mine = await fx.Given.TestProjectAsync();
        var theirs = await fx.Given.TestProjectAsync();
        await Secrets.SecretKeys.CreateAsync(Api, fx.AdminToken, mine.Id, "MINE", "m");
        await Secrets.SecretKeys.CreateAsync(Api, fx.AdminToken, theirs.Id, "THEIRS", "t");
        var (memberId, member) = await fx.Given.IdentityWithTokenAsync("member");
        await fx.Given.MemberAsync(mine.Id, memberId, "member");

        foreach (var query in new[] { "", "?eventType=create-secret", "?limit=1000", $"?actor=identity:{InstanceAdminId}", "?actorType=identity&offset=0" })
        {
            var r = await Api.GetAsync("/api/v1/organization/audit-logs" + query, member);
            Expect.Ok(r);
            var projects = r.Json["auditLogs"]!.AsArray().Select(e => e!["projectId"]?.GetValue<string>()).Distinct().ToList();
            Assert.DoesNotContain(theirs.Id, projects);
            Assert.All(projects, id => Assert.True(id is null || id == mine.Id, $"{query}: an event of project {id}"));
        }
        var own = await Api.GetAsync("/api/v1/organization/audit-logs?eventType=create-secret", member);
        Assert.Contains(own.Json["auditLogs"]!.AsArray(), e => e!["projectId"]?.GetValue<string>() == mine.Id);
        Expect.Error(await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={theirs.Id}", member), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {theirs.Id}. Please assign this identity to the project with the appropriate permissions, then try again.");

        // The org admin reads every project's events.
        var all = await Api.GetAsync("/api/v1/organization/audit-logs?eventType=create-secret&limit=1000", fx.AdminToken);
        Assert.Contains(all.Json["auditLogs"]!.AsArray(), e => e!["projectId"]?.GetValue<string>() == theirs.Id);
    }

    private async Task<string[]> VisibleAsync(string projectId, string token)
    {
        var r = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&recursive=true", token);
        Expect.Ok(r);
        return [.. r.Json["secrets"]!.AsArray().Select(s => s!["secretKey"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private async Task<(string Id, string Token)> ProjectAdminMemberAsync(string projectId)
    {
        var (id, token) = await fx.Given.IdentityWithTokenAsync("member");
        await fx.Given.MemberAsync(projectId, id, "admin");
        return (id, token);
    }

    private static string Operation(string method, string path) => (method, path) switch
    {
        ("PATCH", _) when path.StartsWith("/api/v1/identities/", StringComparison.Ordinal) => "Failed to update identity",
        ("DELETE", _) => "Failed to delete identity",
        ("PATCH", _) => "Failed to update universal auth",
        (_, _) when path.EndsWith("/clear-lockouts", StringComparison.Ordinal) => "Failed to clear universal auth lockouts",
        _ => "Failed to add token auth to identity",
    };
}
