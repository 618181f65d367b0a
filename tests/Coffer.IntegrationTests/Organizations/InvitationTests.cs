using System.Web;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Organizations;

/// <summary>
/// Invitations as Infisical runs them without email: the inviter gets the sign-up link, the invitee follows it (one-time
/// code), completes the account with a name and password, and is then a signed-in user of the organization.
/// </summary>
public sealed class InvitationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "a long enough passphrase";
    private static readonly string[] UserKeys =
    [
        "id", "email", "authMethods", "superAdmin", "firstName", "lastName", "isAccepted", "isMfaEnabled", "mfaMethods", "devices",
        "createdAt", "updatedAt", "isGhost", "username", "isEmailVerified",
    ];

    private Api Api => fx.Api;

    [Fact]
    public async Task An_invited_address_follows_its_link_sets_a_password_and_signs_in()
    {
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var email = $"new-{Guid.NewGuid():N}"[..16] + "@example.com";
        var invited = await Api.PostAsync("/api/v1/invite-org/signup", new { inviteeEmails = new[] { email }, organizationId = fx.OrgId }, admin);
        Expect.Ok(invited);
        Expect.Keys(invited.Json, "message", "completeInviteLinks");
        Assert.Equal($"Send an invite link to {email}", invited.Json["message"]!.GetValue<string>());
        var item = Assert.Single(invited.Json["completeInviteLinks"]!.AsArray())!.AsObject();
        Expect.Keys(item, "email", "link");
        var link = new Uri(item["link"]!.GetValue<string>());
        var siteUrl = fx.Server.Services.GetRequiredService<CofferOptions>().SiteUrl.TrimEnd('/');
        Assert.Equal($"{siteUrl}/signupinvite", link.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(link.Query);
        Assert.Equal([email, fx.OrgId], new[] { query["to"], query["organization_id"] });
        var code = query["token"]!;
        Assert.Matches("^[0-9a-f]{32}$", code);

        Expect.Validation(await Api.PostAsync("/api/v1/invite-org/signup", new { inviteeEmails = new[] { "not-an-address" }, organizationId = fx.OrgId }, admin),
            Issue.InvalidEmail(["inviteeEmails", 0]));
        Expect.Validation(await Api.PostAsync("/api/v1/invite-org/signup", new { inviteeEmails = new[] { "Upper@Example.com" }, organizationId = fx.OrgId }, admin),
            Issue.Custom(["inviteeEmails"], "Email must be lowercase"));

        // Not an account yet: no password can sign in.
        Expect.Error(await Api.PostAsync("/api/v3/auth/login", new { email, password = Password }), 401, "UnauthorizedError", "Invalid credentials");
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code = new string('0', 32) }),
            400, "BadRequest", "Invalid invitation code");

        var verified = await Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code });
        Expect.Ok(verified);
        Expect.Keys(verified.Json, "message", "token", "user");
        Assert.Equal("Successfully verified email", verified.Json["message"]!.GetValue<string>());
        var user = verified.Json["user"]!.AsObject();
        Expect.Keys(user, UserKeys);
        Assert.Equal([email, email], new[] { "email", "username" }.Select(k => user[k]!.GetValue<string>()));
        Assert.Equal([false, true, false], new[] { "isAccepted", "isEmailVerified", "superAdmin" }.Select(k => user[k]!.GetValue<bool>()));
        // The code works once.
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code }), 400, "BadRequest",
            "Invalid invitation code");

        var signup = verified.Json["token"]!.GetValue<string>();
        // The sign-up token completes this account and nothing else: it does not authenticate API calls.
        Expect.Error(await Api.GetAsync("/api/v1/workspace", signup), 401, "UnauthorizedError", "Token missing");
        var body = new { email, password = Password, firstName = "Ada", lastName = "Lovelace" };
        Expect.Error(await Api.PostAsync("/api/v3/signup/complete-account/invite", body), 401, "UnauthorizedError", "Invalid authorization request");
        Expect.Error(await Api.PostAsync("/api/v3/signup/complete-account/invite", body, admin), 401, "UnauthorizedError",
            "Invalid authorization request");
        Expect.Validation(await Api.PostAsync("/api/v3/signup/complete-account/invite", body with { email = "nobody" }, signup),
            Issue.InvalidEmail(["email"]));
        Expect.Validation(await Api.PostAsync("/api/v3/signup/complete-account/invite", body with { password = "too short" }, signup),
            Issue.TooSmall(["password"], "string", 14, "String must contain at least 14 character(s)"));

        var completed = await Api.PostAsync("/api/v3/signup/complete-account/invite", body, signup);
        Expect.Ok(completed);
        Expect.Keys(completed.Json, "message", "user", "token");
        Assert.Equal("Successfully set up account", completed.Json["message"]!.GetValue<string>());
        var account = completed.Json["user"]!.AsObject();
        Expect.Keys(account, UserKeys);
        Assert.Equal(["Ada", "Lovelace"], new[] { "firstName", "lastName" }.Select(k => account[k]!.GetValue<string>()));
        Assert.True(account["isAccepted"]!.GetValue<bool>());
        Expect.Error(await Api.PostAsync("/api/v3/signup/complete-account/invite", body, signup), 400, "BadRequest",
            "Failed to complete account for complete user");

        // Signed in: the session token selects the organization, and the password signs in from now on.
        Expect.Ok(await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, completed.Json["token"]!.GetValue<string>()));
        Expect.Ok(await Api.PostAsync("/api/v3/auth/login", new { email, password = Password }));
    }

    [Fact]
    public async Task A_project_invite_of_a_new_address_invites_it_into_the_organization_and_a_resent_link_replaces_the_old()
    {
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var projectId = await fx.Given.ProjectAsync(token: admin);
        var email = $"proj-{Guid.NewGuid():N}"[..17] + "@example.com";
        var added = await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { emails = new[] { email }, roleSlugs = new[] { "viewer" } }, admin);
        Expect.Ok(added);
        var membership = Assert.Single(added.Json["memberships"]!.AsArray())!.AsObject();
        var details = await Api.PostAsync($"/api/v1/projects/{projectId}/memberships/details", new { username = email }, admin);
        Expect.Ok(details);
        Assert.Equal("viewer", details.Json["membership"]!["roles"]![0]!["role"]!.GetValue<string>());
        Assert.Equal(membership["userId"]!.GetValue<string>(), details.Json["membership"]!["user"]!["id"]!.GetValue<string>());

        // Invited again (already in the organization and the project): nothing new, no link.
        var again = await Api.PostAsync("/api/v1/invite-org/signup", new { inviteeEmails = new[] { email }, organizationId = fx.OrgId }, admin);
        Expect.Ok(again);
        Expect.Keys(again.Json, "message");

        var orgMembershipId = await OrgUsers.MembershipIdAsync(fx, membership["userId"]!.GetValue<string>());
        var resent = await Api.PostAsync("/api/v1/invite-org/signup-resend", new { membershipId = orgMembershipId }, admin);
        Expect.Ok(resent);
        Expect.Keys(resent.Json, "signupToken");
        Assert.Equal(email, resent.Json["signupToken"]!["email"]!.GetValue<string>());
        var code = OrgUsers.CodeOf(resent.Json["signupToken"]!["link"]!.GetValue<string>());
        Expect.Ok(await Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code }));
        var unknown = Guid.NewGuid().ToString();
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/signup-resend", new { membershipId = unknown }, admin), 404, "NotFound",
            $"Organization membership with ID '{unknown}' not found");
        // Once accepted (signed up), there is nothing to resend.
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/signup-resend", new { membershipId = await OrgUsers.MembershipIdAsync(fx, fx.Given.Bootstrap["user"]!["id"]!.GetValue<string>()) }, admin),
            400, "BadRequest", "The user has already accepted the invitation");
    }

    [Fact]
    public async Task Inviting_a_new_address_through_a_project_needs_member_create_in_the_organization()
    {
        var projectId = await fx.Given.ProjectAsync();
        await CustomOrgRoles.CreateAsync(fx, "member-inviter", new Coffer.Server.Permissions.PermissionRule("member", ["read", "create"]));
        var inviter = await ProjectAdminAsync(projectId, "member-inviter");
        var plain = await ProjectAdminAsync(projectId, "member");
        var (_, existing) = await OrgUsers.AddAsync(fx, "known");

        // A project admin whose organization role may not add members can still add people already in the organization.
        var email = $"nope-{Guid.NewGuid():N}"[..17] + "@example.com";
        Expect.Error(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { emails = new[] { email } }, plain), 403, "PermissionDenied",
            "You are not allowed to create on member", allowDetails: true);
        Expect.Error(await Api.PostAsync($"/api/v1/projects/{projectId}/memberships/details", new { username = email }, fx.AdminToken), 404, "NotFound",
            $"Project membership for user with username '{email}' not found");
        Expect.Ok(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { usernames = new[] { existing } }, plain));

        // member:create is enough for the project route: it invites with no-access, which grants nothing.
        Expect.Ok(await Api.PostAsync($"/api/v2/workspace/{projectId}/memberships", new { emails = new[] { email } }, inviter));
        Expect.Ok(await Api.PostAsync($"/api/v1/projects/{projectId}/memberships/details", new { username = email }, fx.AdminToken));
    }

    [Fact]
    public async Task An_invitation_code_lasts_three_days()
    {
        var (email, code) = await OrgUsers.InviteAsync(fx, "late");
        fx.Server.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code }), 400, "BadRequest",
            "The invitation code has expired, ask for a new invitation");
        // Unknown and not-invited addresses get the same answer, so the route does not tell who has an account.
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/verify", new { email = "nobody@example.com", organizationId = fx.OrgId, code }), 404,
            "NotFound", "No pending invitation found");
        Expect.Error(await Api.PostAsync("/api/v1/invite-org/verify", new { email = Given.AdminEmail, organizationId = fx.OrgId, code }), 404,
            "NotFound", "No pending invitation found");
    }

    private async Task<string> ProjectAdminAsync(string projectId, string orgRole)
    {
        var identityId = await fx.Given.IdentityAsync(orgRole);
        await fx.Given.MemberAsync(projectId, identityId, "admin");
        return await fx.Given.TokenAuthTokenAsync(identityId);
    }


}
