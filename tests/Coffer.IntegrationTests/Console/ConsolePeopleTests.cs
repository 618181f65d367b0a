using System.Net;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>People as project members in the console: added by email, role changed, removed, as the API then shows.</summary>
public sealed class ConsolePeopleTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Add_a_person_by_email_change_their_role_and_remove_them()
    {
        var (userId, email, _) = await OrgUsers.SignUpAsync(fx, "person", "a long enough password 123");
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("People");
        var access = $"/projects/{projectId}/access";
        var admin = await OrgUsers.AdminUserTokenAsync(fx);

        var bad = await browser.SubmitAsync(access, "add-person", ("AddPerson.Email", "not-an-address"), ("AddPerson.Role", "viewer"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal("Enter the person's email and choose a role.", bad.ErrorText);

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(access, "add-person", ("AddPerson.Email", email.ToUpperInvariant()), ("AddPerson.Role", "viewer"))).Status);
        var membership = await MembershipAsync(projectId, admin, userId);
        Assert.Equal("viewer", membership["roles"]![0]!["role"]!.GetValue<string>());
        var page = await browser.GetAsync(access);
        Assert.Matches($"<th scope=\"row\">{System.Text.RegularExpressions.Regex.Escape(email)}</th>\\s*<td>Viewer</td>", page.Html);

        var membershipId = membership["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(access, $"user-role-{membershipId}", ("role", "member"))).Status);
        Assert.Equal("member", (await MembershipAsync(projectId, admin, userId))["roles"]![0]!["role"]!.GetValue<string>());

        var unconfirmed = await browser.SubmitAsync(access, $"user-remove-{membershipId}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.Status);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(access, $"user-remove-{membershipId}", ("confirm", "yes"))).Status);
        var list = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/memberships", admin);
        Assert.DoesNotContain(list.Json["memberships"]!.AsArray(), m => m!["user"]!["id"]!.GetValue<string>() == userId);
    }

    private async Task<JsonObject> MembershipAsync(string projectId, string token, string userId)
    {
        var list = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/memberships", token);
        Expect.Ok(list);
        return list.Json["memberships"]!.AsArray().OfType<JsonObject>().Single(m => m["user"]!["id"]!.GetValue<string>() == userId);
    }
}
