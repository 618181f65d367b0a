using System.Web;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// People in the fixture's organization, brought in as an administrator does: the bootstrap admin invites an address
/// (<c>/api/v1/invite-org/signup</c>) and the invitee follows the link (<c>/api/v1/invite-org/verify</c>); completing the
/// account (<see cref="SignUpAsync"/>) is a separate step because it hashes a password.
/// </summary>
public static class OrgUsers
{
    /// <summary>The bootstrap admin signed in and scoped to the fixture's organization.</summary>
    public static async Task<string> AdminUserTokenAsync(ServerFixture fx)
    {
        var login = await fx.Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        Expect.Ok(login);
        var select = await fx.Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId },
            login.Json["accessToken"]!.GetValue<string>());
        Expect.Ok(select);
        return select.Json["token"]!.GetValue<string>();
    }

    /// <summary>A new address invited into the organization (role <c>member</c>); returns the invitation code from its link.</summary>
    public static async Task<(string Email, string Code)> InviteAsync(ServerFixture fx, string prefix, string? adminUserToken = null)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 12)] + "@example.com";
        var invited = await fx.Api.PostAsync("/api/v1/invite-org/signup", new { inviteeEmails = new[] { email }, organizationId = fx.OrgId },
            adminUserToken ?? await AdminUserTokenAsync(fx));
        Expect.Ok(invited);
        var link = Assert.Single(invited.Json["completeInviteLinks"]!.AsArray())!["link"]!.GetValue<string>();
        return (email, CodeOf(link));
    }

    /// <summary>A user's organization membership id, as an administrator finds it (the organization's member list).</summary>
    public static async Task<string> MembershipIdAsync(ServerFixture fx, string userId, string? token = null)
    {
        var list = await fx.Api.GetAsync($"/api/v2/organizations/{fx.OrgId}/memberships", token ?? fx.AdminToken);
        Expect.Ok(list);
        return list.Json["users"]!.AsArray().Single(u => u!["userId"]!.GetValue<string>() == userId)!["id"]!.GetValue<string>();
    }

    /// <summary>The one-time code in a sign-up link.</summary>
    public static string CodeOf(string link) => HttpUtility.ParseQueryString(new Uri(link).Query)["token"]!;

    /// <summary>A user of the organization who has followed their invitation but not set a password.</summary>
    public static async Task<(string Id, string Username)> AddAsync(ServerFixture fx, string prefix)
    {
        var (email, code) = await InviteAsync(fx, prefix);
        var verified = await fx.Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code });
        Expect.Ok(verified);
        return (verified.Json["user"]!["id"]!.GetValue<string>(), email);
    }

    /// <summary>An invited user who completes their account; returns their session token (no organization selected yet).</summary>
    /// <summary>A person's token for this organization, from their session token (<c>select-organization</c>).</summary>
    public static async Task<string> OrgTokenAsync(ServerFixture fx, string sessionToken)
    {
        var select = await fx.Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, sessionToken);
        Expect.Ok(select);
        return select.Json["token"]!.GetValue<string>();
    }

    public static async Task<(string Id, string Email, string Token)> SignUpAsync(ServerFixture fx, string prefix, string password)
    {
        var (email, code) = await InviteAsync(fx, prefix);
        var verified = await fx.Api.PostAsync("/api/v1/invite-org/verify", new { email, organizationId = fx.OrgId, code });
        Expect.Ok(verified);
        var completed = await fx.Api.PostAsync("/api/v3/signup/complete-account/invite", new { email, password, firstName = "New", lastName = "User" },
            verified.Json["token"]!.GetValue<string>());
        Expect.Ok(completed);
        return (verified.Json["user"]!["id"]!.GetValue<string>(), email, completed.Json["token"]!.GetValue<string>());
    }
}
