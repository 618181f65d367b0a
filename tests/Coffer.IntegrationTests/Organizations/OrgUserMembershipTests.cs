using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Organizations;

/// <summary>
/// People's organization memberships (<c>/api/v2/organizations/{organizationId}/memberships</c>): who is in, invited or
/// accepted; a role change or deactivation takes effect on the next request; removal takes the person out of every
/// project of the organization; nobody changes themselves and an organization keeps an active admin.
/// </summary>
public sealed class OrgUserMembershipTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "a long enough passphrase";
    private static readonly string[] ListedKeys = ["id", "role", "status", "inviteEmail", "userId", "orgId", "roleId", "projectFavorites", "isActive", "user"];
    private static readonly string[] RowKeys =
        ["id", "role", "status", "inviteEmail", "createdAt", "updatedAt", "userId", "orgId", "roleId", "projectFavorites", "isActive"];

    private Api Api => fx.Api;

    private string Root => $"/api/v2/organizations/{fx.OrgId}/memberships";

    [Fact]
    public async Task The_list_shows_accepted_and_invited_people_and_one_reads_the_same()
    {
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var (email, _) = await OrgUsers.InviteAsync(fx, "listed", admin);
        var list = await Api.GetAsync(Root, admin);
        Expect.Ok(list);
        Expect.Keys(list.Json, "users");
        var users = list.Json["users"]!.AsArray();
        var adminRow = users.Single(u => u!["user"]!["email"]!.GetValue<string>() == Given.AdminEmail)!.AsObject();
        Expect.Keys(adminRow, ListedKeys);
        Expect.Keys(adminRow["user"]!.AsObject(), "username", "email", "isEmailVerified", "firstName", "lastName", "id", "publicKey");
        Assert.Equal(["admin", "accepted"], new[] { "role", "status" }.Select(k => adminRow[k]!.GetValue<string>()));
        Assert.Null(adminRow["inviteEmail"]);
        var invited = users.Single(u => u!["user"]!["email"]!.GetValue<string>() == email)!.AsObject();
        Assert.Equal(["member", "invited", email], new[] { "role", "status", "inviteEmail" }.Select(k => invited[k]!.GetValue<string>()));
        Assert.Equal([fx.OrgId, fx.OrgId], new[] { adminRow, invited }.Select(r => r["orgId"]!.GetValue<string>()));

        var one = await Api.GetAsync($"{Root}/{invited["id"]!.GetValue<string>()}", fx.AdminToken);
        Expect.Ok(one);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(invited, one.Json["membership"]));
        var missing = Guid.NewGuid().ToString();
        Expect.Error(await Api.GetAsync($"{Root}/{missing}", fx.AdminToken), 404, "NotFound", $"Organization membership with ID '{missing}' not found");
    }

    [Fact]
    public async Task Deactivating_someone_locks_them_out_on_their_next_request_and_removing_them_takes_them_out_of_projects()
    {
        var (userId, email, session) = await OrgUsers.SignUpAsync(fx, "leaver", Password);
        var token = await SelectOrgAsync(session);
        var projectId = await fx.Given.ProjectAsync();
        Expect.Ok(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { email } }, fx.AdminToken));
        Expect.Ok(await Api.GetAsync(Root, token));
        var membershipId = await OrgUsers.MembershipIdAsync(fx, userId);

        var deactivated = await Api.PatchAsync($"{Root}/{membershipId}", new { isActive = false }, fx.AdminToken);
        Expect.Ok(deactivated);
        Expect.Keys(deactivated.Json["membership"]!.AsObject(), RowKeys);
        Assert.False(deactivated.Json["membership"]!["isActive"]!.GetValue<bool>());
        Expect.Error(await Api.GetAsync(Root, token), 403, "ForbiddenError",
            $"You are not a member of this organization with ID {fx.OrgId}. Please assign this user to the organization with the appropriate permissions, then try again.");
        Expect.Ok(await Api.PatchAsync($"{Root}/{membershipId}", new { isActive = true, role = "admin" }, fx.AdminToken));
        Expect.Ok(await Api.GetAsync(Root, token));

        var removed = await Api.DeleteAsync($"{Root}/{membershipId}", fx.AdminToken);
        Expect.Ok(removed);
        Expect.Keys(removed.Json["membership"]!.AsObject(), RowKeys);
        Assert.Equal(userId, removed.Json["membership"]!["userId"]!.GetValue<string>());
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/memberships/details", new { username = email }, fx.AdminToken), 404, "NotFound",
            $"Project membership for user with username '{email}' not found");
        Expect.Error(await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, session), 403, "ForbiddenError",
            "User does not belong to the organization");
        Expect.Error(await Api.GetAsync($"{Root}/{membershipId}", fx.AdminToken), 404, "NotFound", $"Organization membership with ID '{membershipId}' not found");
    }

    [Fact]
    public async Task Nobody_changes_themselves_and_the_server_administrator_only_by_a_server_administrator()
    {
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var adminMembership = await OrgUsers.MembershipIdAsync(fx, fx.Given.Bootstrap["user"]!["id"]!.GetValue<string>());
        Expect.Error(await Api.PatchAsync($"{Root}/{adminMembership}", new { role = "member" }, admin), 400, "BadRequest",
            "You cannot change your own organization membership");
        Expect.Error(await Api.DeleteAsync($"{Root}/{adminMembership}", admin), 400, "BadRequest", "You cannot remove yourself from an organization");
        // The bootstrap identity is an organization admin, but not a server administrator.
        Expect.Error(await Api.PatchAsync($"{Root}/{adminMembership}", new { isActive = false }, fx.AdminToken), 403, "PermissionBoundaryError",
            "Failed to update organization membership. A server administrator can only be changed by a server administrator", allowDetails: true);
        Expect.Error(await Api.DeleteAsync($"{Root}/{adminMembership}", fx.AdminToken), 403, "PermissionBoundaryError",
            "Failed to delete organization membership. A server administrator can only be changed by a server administrator", allowDetails: true);
        Expect.Validation(await Api.PatchAsync($"{Root}/{adminMembership}", new { isActive = "no" }, admin),
            Issue.WrongType(["isActive"], "boolean", "string"));
    }

    [Fact]
    public async Task Changing_someone_needs_every_permission_they_hold()
    {
        var projectId = await fx.Given.ProjectAsync();
        // Invited through the project: organization role no-access, so all they hold is the project's admin role.
        var email = $"held-{Guid.NewGuid():N}"[..17] + "@example.com";
        var added = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { emails = new[] { email }, roleSlugs = new[] { "admin" } },
            fx.AdminToken);
        Expect.Ok(added);
        var membershipId = await OrgUsers.MembershipIdAsync(fx, added.Json["memberships"]![0]!["userId"]!.GetValue<string>());
        // An organization role that may manage members, but holds nothing in the project the person administers.
        await CustomOrgRoles.CreateAsync(fx, "member-manager", new Coffer.Server.Permissions.PermissionRule("member", ["read", "create", "edit", "delete", "grant-privileges"]));
        var managerId = await fx.Given.IdentityAsync("member-manager");
        var manager = await fx.Given.TokenAuthTokenAsync(managerId);
        AssertMissesProjectReads(Expect.Error(await Api.DeleteAsync($"{Root}/{membershipId}", manager), 403, "PermissionBoundaryError",
            "Failed to delete organization membership. Actor privilege level is not high enough to perform this action", allowDetails: true));
        AssertMissesProjectReads(Expect.Error(await Api.PatchAsync($"{Root}/{membershipId}", new { isActive = false }, manager), 403,
            "PermissionBoundaryError", "Failed to update organization membership. Actor privilege level is not high enough to perform this action",
            allowDetails: true));
        Expect.Ok(await Api.GetAsync($"{Root}/{membershipId}", manager));
        // Someone holding nothing (org no-access, no project) the manager may change; granting them a role the manager
        // does not hold is refused all the same. A role that does not exist is a 404.
        var bare = $"bare-{Guid.NewGuid():N}"[..17] + "@example.com";
        Expect.Ok(await Api.PostAsync("/api/v1/invite-org/signup",
            new { inviteeEmails = new[] { bare }, organizationId = fx.OrgId, organizationRoleSlug = "no-access" }, await OrgUsers.AdminUserTokenAsync(fx)));
        var bareId = (await Api.GetAsync(Root, fx.AdminToken)).Json["users"]!.AsArray()
            .Single(u => u!["user"]!["email"]!.GetValue<string>() == bare)!["id"]!.GetValue<string>();
        Expect.Error(await Api.PatchAsync($"{Root}/{bareId}", new { role = "admin" }, manager), 403, "PermissionBoundaryError",
            "Failed to update organization membership. Actor privilege level is not high enough to perform this action", allowDetails: true);
        Expect.Ok(await Api.PatchAsync($"{Root}/{bareId}", new { isActive = false }, manager));
        Expect.Error(await Api.PatchAsync($"{Root}/{bareId}", new { role = "no-such-role" }, fx.AdminToken), 404, "NotFound",
            $"Specified roles 'no-such-role' was not found in the organization with ID '{fx.OrgId}'");
        // In the project too, the manager may remove them.
        await fx.Given.MemberAsync(projectId, managerId, "admin");
        Expect.Ok(await Api.DeleteAsync($"{Root}/{membershipId}", manager));
    }

    [Fact]
    public async Task An_organization_keeps_an_active_admin()
    {
        var (orgId, _, otherAdmin) = await OtherOrg.CreateAsync(fx.Server);
        var root = $"/api/v2/organizations/{orgId}/memberships";
        var project = await Api.PostAsync("/api/v1/projects", new { projectName = "keeps-admin" }, otherAdmin);
        Expect.Ok(project);
        var projectId = project.Json["project"]!["id"]!.GetValue<string>();
        var first = $"first-{Guid.NewGuid():N}"[..18] + "@example.com";
        var second = $"second-{Guid.NewGuid():N}"[..19] + "@example.com";
        Expect.Ok(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { emails = new[] { first, second } }, otherAdmin));
        var users = (await Api.GetAsync(root, otherAdmin)).Json["users"]!.AsArray();
        string IdOf(string email) => users.Single(u => u!["user"]!["email"]!.GetValue<string>() == email)!["id"]!.GetValue<string>();
        Assert.Equal("no-access", users.Single(u => u!["user"]!["email"]!.GetValue<string>() == first)!["role"]!.GetValue<string>());

        Expect.Ok(await Api.PatchAsync($"{root}/{IdOf(first)}", new { role = "admin" }, otherAdmin));
        const string lastAdmin = "This action would leave the organization with no admin. Promote another user to admin first.";
        Expect.Error(await Api.PatchAsync($"{root}/{IdOf(first)}", new { isActive = false }, otherAdmin), 400, "BadRequest", lastAdmin);
        Expect.Error(await Api.PatchAsync($"{root}/{IdOf(first)}", new { role = "member" }, otherAdmin), 400, "BadRequest", lastAdmin);
        Expect.Error(await Api.DeleteAsync($"{root}/{IdOf(first)}", otherAdmin), 400, "BadRequest", lastAdmin);

        Expect.Ok(await Api.PatchAsync($"{root}/{IdOf(second)}", new { role = "admin" }, otherAdmin));
        Expect.Ok(await Api.DeleteAsync($"{root}/{IdOf(first)}", otherAdmin));
    }

    private static void AssertMissesProjectReads(System.Text.Json.Nodes.JsonObject refusal) =>
        Assert.Contains(refusal["details"]!["missingPermissions"]!.AsArray(),
            p => p!["subject"]!.GetValue<string>() == "secrets" && p["action"]!.GetValue<string>() == "read");

    private async Task<string> SelectOrgAsync(string session)
    {
        var select = await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, session);
        Expect.Ok(select);
        return select.Json["token"]!.GetValue<string>();
    }


}
