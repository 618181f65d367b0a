using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>Projects, environments, custom roles, identity memberships and additional privileges.</summary>
public sealed partial class DenialRouteTable
{
    private const string MembersSeeProject = "project details are shown to every member: Infisical checks membership only (getAProject)";

    private Denied ProjectSlugNotFound => Deny.NotFound($"Project with slug '{w.ProjectSlug}' not found");

    private void ProjectRoutes()
    {
        var p = w.ProjectId;
        var ownOrg = Deny.Allowed("creates the project in the caller's own organization");
        var create = Deny.Forbidden("You don't have permission to create a project");
        var membersCreate = Deny.Allowed("organization members may create projects (Infisical's member role has create on workspace)");
        Write("POST", "/api/v1/projects", "/api/v1/projects", new { projectName = "denied-project" }, ownOrg, create, membersCreate, org: true);
        Write("POST", "/api/v2/workspace", "/api/v2/workspace", new { projectName = "denied-project" }, ownOrg, create, membersCreate, org: true);

        var ownList = Deny.Allowed("lists the caller's own projects only");
        var memberList = Deny.Allowed("lists the projects the caller is a member of; no organization permission is needed");
        Read("/api/v1/projects", "/api/v1/projects", ownList, memberList, org: true);
        Read("/api/v1/workspace", "/api/v1/workspace", ownList, memberList, org: true);

        Read("/api/v1/projects/{projectId}", $"/api/v1/projects/{p}", Deny.ForeignProject, Deny.Allowed(MembersSeeProject));
        Read("/api/v1/workspace/{projectId}", $"/api/v1/workspace/{p}", Deny.ForeignProject, Deny.Allowed(MembersSeeProject));
        // A slug is looked up in the caller's organization, so another organization's project is simply not found.
        Read("/api/v1/projects/slug/{slug}", $"/api/v1/projects/slug/{w.ProjectSlug}", ProjectSlugNotFound, Deny.Allowed(MembersSeeProject));
        Read("/api/v2/workspace/{slug}", $"/api/v2/workspace/{w.ProjectSlug}", ProjectSlugNotFound, Deny.Allowed(MembersSeeProject));

        ProjectWrite("PATCH", "/api/v1/projects/{projectId}", $"/api/v1/projects/{p}", new { description = "changed" }, "edit", "settings");
        ProjectWrite("DELETE", "/api/v1/projects/{projectId}", $"/api/v1/projects/{p}", null, "delete", "workspace");
        var delete = Deny.Permission("delete", "workspace");
        Write("DELETE", "/api/v2/workspace/{slug}", $"/api/v2/workspace/{w.ProjectSlug}", null, ProjectSlugNotFound, delete, delete);
        var adminsOnly = Deny.Forbidden("Insufficient privileges, only admins are allowed to take this action");
        Write("PUT", "/api/v1/workspace/{workspaceSlug}/audit-logs-retention", $"/api/v1/workspace/{w.ProjectSlug}/audit-logs-retention",
            new { auditLogsRetentionDays = 7 }, ProjectSlugNotFound, adminsOnly, adminsOnly);
    }

    private void OrgAdminRoutes()
    {
        // Another organization's project is not found from this organization; the others lack the admin console.
        var console = Deny.Permission("access-all-projects", "organization-admin-console");
        Write("POST", "/api/v1/organization-admin/projects/{projectId}/grant-admin-access",
            $"/api/v1/organization-admin/projects/{w.ProjectId}/grant-admin-access", null,
            Deny.NotFound($"Project with ID '{w.ProjectId}' not found"), console, console, org: true);
        // An instance operation: none of these callers is an instance admin, whatever it holds in the project.
        var instanceAdmin = Deny.Forbidden("Requires elevated super admin privileges");
        Write("POST", "/api/v1/admin/projects/{projectId}/rotate-data-key", $"/api/v1/admin/projects/{w.ProjectId}/rotate-data-key", null,
            instanceAdmin, instanceAdmin, instanceAdmin);
    }

    private void EnvironmentRoutes()
    {
        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var envs = $"{prefix}/{w.ProjectId}/environments";
            var one = $"{envs}/{w.EnvironmentId}";
            ProjectWrite("POST", prefix + "/{projectId}/environments", envs, new { name = "QA", slug = "qa" }, "create", "environments");
            ProjectWrite("PATCH", prefix + "/{projectId}/environments/{envId}", one, new { name = "Production 2" }, "edit", "environments");
            ProjectWrite("DELETE", prefix + "/{projectId}/environments/{envId}", one, null, "delete", "environments");
            ProjectRead(prefix + "/{projectId}/environments/{envId}", one, "read", "environments");
        }
        // By id alone: the environment's own project is checked, so another organization's answers as a foreign project.
        ProjectRead("/api/v1/workspace/environments/{envId}", $"/api/v1/workspace/environments/{w.EnvironmentId}", "read", "environments");
        ProjectRead("/api/v1/projects/{projectId}/environments/slug/{envSlug}", $"/api/v1/projects/{w.ProjectId}/environments/slug/prod", "read", "environments");
    }

    private void UserMembershipRoutes()
    {
        var p = w.ProjectId;
        var names = new { usernames = new[] { Given.AdminEmail } };
        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace", "/api/v2/workspace" })
        {
            ProjectWrite("POST", prefix + "/{projectId}/memberships", $"{prefix}/{p}/memberships", names, "create", "member");
            ProjectWrite("DELETE", prefix + "/{projectId}/memberships", $"{prefix}/{p}/memberships", names, "delete", "member");
        }
        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var one = $"{prefix}/{p}/memberships/{w.UserMembershipId}";
            ProjectRead(prefix + "/{projectId}/memberships", $"{prefix}/{p}/memberships", "read", "member");
            ProjectRead(prefix + "/{projectId}/memberships/{membershipId}", one, "read", "member");
            // A read sent as POST: like a write it is refused to the viewer only if the viewer lacks read, which it holds.
            Write("POST", prefix + "/{projectId}/memberships/details", $"{prefix}/{p}/memberships/details", new { username = Given.AdminEmail },
                Deny.ForeignProject, Deny.Permission("read", "member"), Deny.Allowed("viewers read members"));
            ProjectWrite("PATCH", prefix + "/{projectId}/memberships/{membershipId}", one,
                new { roles = new[] { new { role = "viewer", isTemporary = false } } }, "edit", "member");
            ProjectWrite("DELETE", prefix + "/{projectId}/memberships/{membershipId}", one, null, "delete", "member");
        }
        ProjectRead("/api/v1/projects/{projectId}/user/{userId}/membership", $"/api/v1/projects/{p}/user/{w.UserId}/membership", "read", "member");
    }

    private void EventRoutes()
    {
        // The stream opens only after these checks, so a refused caller never holds a connection.
        var subscription = new
        {
            projectId = w.ProjectId,
            register = new[] { new { @event = "secret:create", conditions = new { environmentSlug = "dev", secretPath = "/" } } },
        };
        Write("POST", "/api/v1/events/subscribe/project-events", "/api/v1/events/subscribe/project-events", subscription,
            Deny.ForeignProject, new Denied(403, "PermissionDenied", "You are not allowed to subscribe on secret-events"),
            Deny.Allowed("viewers may subscribe to secret events (Infisical's viewer role); subscribing writes nothing"));
    }

    private void RoleRoutes()
    {
        var roles = $"/api/v1/projects/{w.ProjectId}/roles";
        var permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" } } };
        ProjectWrite("POST", "/api/v1/projects/{projectId}/roles", roles, new { slug = "denied-role", name = "Denied", permissions }, "create", "role");
        ProjectWrite("PATCH", "/api/v1/projects/{projectId}/roles/{roleId}", $"{roles}/{w.RoleId}", new { name = "renamed" }, "edit", "role");
        ProjectWrite("DELETE", "/api/v1/projects/{projectId}/roles/{roleId}", $"{roles}/{w.RoleId}", null, "delete", "role");
        ProjectRead("/api/v1/projects/{projectId}/roles", roles, "read", "role");
        ProjectRead("/api/v1/projects/{projectId}/roles/slug/{roleSlug}", $"{roles}/slug/{w.RoleSlug}", "read", "role");

        var v2 = $"/api/v2/workspace/{w.ProjectId}/roles";
        ProjectWrite("POST", "/api/v2/workspace/{projectId}/roles", v2, new { slug = "denied-role", name = "Denied", permissions }, "create", "role");
        ProjectWrite("PATCH", "/api/v2/workspace/{projectId}/roles/{roleId}", $"{v2}/{w.RoleId}", new { name = "renamed" }, "edit", "role");
        ProjectWrite("DELETE", "/api/v2/workspace/{projectId}/roles/{roleId}", $"{v2}/{w.RoleId}", null, "delete", "role");
        ProjectRead("/api/v2/workspace/{projectId}/roles", v2, "read", "role");
        ProjectRead("/api/v2/workspace/{projectId}/roles/slug/{roleSlug}", $"{v2}/slug/{w.RoleSlug}", "read", "role");
        // By id alone: the role's own project is checked, so another organization's answers as a foreign project.
        ProjectRead("/api/v1/projects/roles/{roleId}", $"/api/v1/projects/roles/{w.RoleId}", "read", "role");

        // By project slug, looked up in the caller's organization, so another organization's project is not found.
        var v1 = $"/api/v1/workspace/{w.ProjectSlug}/roles";
        var v1Rules = new[] { new { subject = "secrets", action = "read" } };
        SlugWrite("POST", "/api/v1/workspace/{projectSlug}/roles", v1, new { slug = "denied-role", name = "Denied", permissions = v1Rules }, "create", "role");
        SlugWrite("PATCH", "/api/v1/workspace/{projectSlug}/roles/{roleId}", $"{v1}/{w.RoleId}", new { name = "renamed" }, "edit", "role");
        SlugWrite("DELETE", "/api/v1/workspace/{projectSlug}/roles/{roleId}", $"{v1}/{w.RoleId}", null, "delete", "role");
        Read("/api/v1/workspace/{projectSlug}/roles", v1, ProjectSlugNotFound, Deny.Permission("read", "role"));
        Read("/api/v1/workspace/{projectSlug}/roles/slug/{slug}", $"{v1}/slug/{w.RoleSlug}", ProjectSlugNotFound, Deny.Permission("read", "role"));
    }

    private void SlugWrite(string method, string pattern, string path, object? body, string action, string subject)
    {
        var denied = Deny.Permission(action, subject);
        Write(method, pattern, path, body, ProjectSlugNotFound, denied, denied);
    }

    private void MembershipRoutes()
    {
        var p = w.ProjectId;
        var update = new { roles = new[] { new { role = "viewer", isTemporary = false } } };
        foreach (var prefix in new[] { "/api/v1/projects", "/api/v2/workspace" })
        {
            var list = $"{prefix}/{p}/identity-memberships";
            ProjectWrite("POST", prefix + "/{projectId}/identity-memberships/{identityId}", $"{list}/{w.CandidateId}", new { role = "viewer" }, "create", "identity");
            ProjectWrite("PATCH", prefix + "/{projectId}/identity-memberships/{identityId}", $"{list}/{w.MemberId}", update, "edit", "identity");
            ProjectWrite("DELETE", prefix + "/{projectId}/identity-memberships/{identityId}", $"{list}/{w.MemberId}", null, "delete", "identity");
            ProjectRead(prefix + "/{projectId}/identity-memberships", list, "read", "identity");
            ProjectRead(prefix + "/{projectId}/identity-memberships/{identityId}", $"{list}/{w.MemberId}", "read", "identity");
            // By membership id: looked up within the caller's organization first.
            Read(prefix + "/identity-memberships/{identityMembershipId}", $"{prefix}/identity-memberships/{w.MembershipId}",
                Deny.NotFound($"Project membership with ID '{w.MembershipId}' not found"), Deny.Permission("read", "identity"));
        }

        var c = $"/api/v1/projects/{p}/memberships/identities";
        const string pattern = "/api/v1/projects/{projectId}/memberships/identities";
        ProjectWrite("POST", pattern + "/{identityId}", $"{c}/{w.CandidateId}", new { roles = new[] { new { role = "viewer" } } }, "create", "identity");
        ProjectWrite("PATCH", pattern + "/{identityId}", $"{c}/{w.MemberId}", update, "edit", "identity");
        ProjectWrite("DELETE", pattern + "/{identityId}", $"{c}/{w.MemberId}", null, "delete", "identity");
        ProjectRead(pattern, c, "read", "identity");
        ProjectRead(pattern + "/{identityId}", $"{c}/{w.MemberId}", "read", "identity");
    }

    private void PrivilegeRoutes()
    {
        const string root = "/api/v2/identity-project-additional-privilege";
        var one = $"{root}/{w.PrivilegeId}";
        var byId = Deny.NotFound($"Additional privilege with ID {w.PrivilegeId} not found");
        var edit = Deny.Permission("edit", "identity");
        ProjectWrite("POST", root, root, new
        {
            identityId = w.MemberId,
            projectId = w.ProjectId,
            slug = "denied-privilege",
            permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" } } },
            type = new { isTemporary = false },
        }, "edit", "identity");
        Write("PATCH", root + "/{id}", one, new { slug = "renamed-privilege" }, byId, edit, edit);
        Write("DELETE", root + "/{id}", one, null, byId, edit, edit);
        Read(root + "/{id}", one, byId, Deny.Permission("read", "identity"));
        Read(root + "/slug/{privilegeSlug}", $"{root}/slug/{w.PrivilegeSlug}?identityId={w.MemberId}&projectSlug={w.ProjectSlug}",
            ProjectSlugNotFound, Deny.Permission("read", "identity"));
        ProjectRead(root, $"{root}?identityId={w.MemberId}&projectId={w.ProjectId}", "read", "identity");

        // The V1 routes name the project by slug, so another organization's project is not found.
        const string v1 = "/api/v1/additional-privilege/identity";
        var rule = new { actions = new[] { "read" }, subject = "secrets", conditions = new { environment = "dev" } };
        SlugWrite("POST", v1 + "/permanent", v1 + "/permanent",
            new { identityId = w.MemberId, projectSlug = w.ProjectSlug, slug = "denied-privilege", privilegePermission = rule }, "edit", "identity");
        SlugWrite("POST", v1 + "/temporary", v1 + "/temporary", new
        {
            identityId = w.MemberId,
            projectSlug = w.ProjectSlug,
            slug = "denied-privilege",
            privilegePermission = rule,
            temporaryMode = "relative",
            temporaryRange = "1h",
            temporaryAccessStartTime = "2026-01-01T00:00:00.000Z",
        }, "edit", "identity");
        var selector = new { privilegeSlug = w.PrivilegeSlug, identityId = w.MemberId, projectSlug = w.ProjectSlug };
        SlugWrite("PATCH", v1, v1, new { selector.privilegeSlug, selector.identityId, selector.projectSlug, privilegeDetails = new { privilegePermission = rule } },
            "edit", "identity");
        SlugWrite("DELETE", v1, v1, selector, "edit", "identity");
        var query = $"identityId={w.MemberId}&projectSlug={w.ProjectSlug}";
        Read(v1 + "/{privilegeSlug}", $"{v1}/{w.PrivilegeSlug}?{query}", ProjectSlugNotFound, Deny.Permission("read", "identity"));
        Read(v1, $"{v1}?{query}", ProjectSlugNotFound, Deny.Permission("read", "identity"));
    }
}
