using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// The secret page's tags, and what the console answers for projects a person cannot open (missing, another
/// organization's, not a member) on its pages and its download: the API's status and words.
/// </summary>
public sealed class ConsoleSecretEditorTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "outsider password long enough";

    [Fact]
    public async Task Tags_are_ticked_on_the_secret_page_and_saved_as_the_api_reads_them()
    {
        var project = await fx.Given.TestProjectAsync();
        Expect.Ok(await fx.Api.PostAsync($"/api/v2/workspace/{project.Id}/memberships", new { emails = new[] { Given.AdminEmail }, roleSlugs = new[] { "admin" } },
            fx.AdminToken));
        var team = await TagAsync(project.Id, "team");
        await TagAsync(project.Id, "ops");
        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/API_KEY", new { workspaceId = project.Id, environment = "dev", secretValue = "v1" }, fx.AdminToken));
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var page = $"/projects/{project.Id}/secrets/dev/API_KEY";
        var opened = await browser.GetAsync(page);
        Assert.Contains($"<input type=\"checkbox\" name=\"Edit.TagIds\" value=\"{team}\" />", opened.Html);

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "edit-secret", ("Edit.Value", "v2"), ("Edit.Name", "API_KEY"),
            ("Edit.TagsShown", "True"), ("Edit.TagIds", team))).Status);
        Assert.Equal(["team"], await TagSlugsAsync(project.Id));
        Assert.Contains($"<input type=\"checkbox\" name=\"Edit.TagIds\" value=\"{team}\" checked />", (await browser.GetAsync(page)).Html);

        // A post without the tag boxes (a form that did not show them) keeps the tags; one with none ticked clears them.
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "edit-secret", ("Edit.Value", "v3"), ("Edit.Name", "API_KEY"))).Status);
        Assert.Equal(["team"], await TagSlugsAsync(project.Id));
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "edit-secret", ("Edit.Value", "v3"), ("Edit.Name", "API_KEY"),
            ("Edit.TagsShown", "True"))).Status);
        Assert.Empty(await TagSlugsAsync(project.Id));
        var unknown = await browser.SubmitAsync(page, "edit-secret", ("Edit.Value", "v3"), ("Edit.Name", "API_KEY"), ("Edit.TagsShown", "True"),
            ("Edit.TagIds", "not-a-tag"));
        var api = await fx.Api.PatchAsync("/api/v3/secrets/raw/API_KEY",
            new { workspaceId = project.Id, environment = "dev", secretValue = "v3", tagIds = new[] { "not-a-tag" } }, fx.AdminToken);
        Assert.Equal(api.Code, (int)unknown.Status);
        Assert.Equal(api.Json["message"]!.GetValue<string>(), unknown.ErrorText);
    }

    [Fact]
    public async Task Pages_and_downloads_of_projects_a_person_cannot_open_answer_as_the_api_does()
    {
        var project = await fx.Given.TestProjectAsync();
        var otherToken = (await OtherOrg.CreateAsync(fx.Server)).Token;
        var foreign = await fx.Api.PostAsync("/api/v2/workspace", new { projectName = "elsewhere" }, otherToken);
        Expect.Ok(foreign);
        var foreignId = foreign.Json["project"]!["id"]!.GetValue<string>();
        var missing = Guid.NewGuid().ToString();

        var (_, email, session) = await OrgUsers.SignUpAsync(fx, "outsider", Password);
        var outsiderToken = await OrgUsers.OrgTokenAsync(fx, session);
        using var admin = new ConsoleClient(fx.Server.BaseAddress);
        await admin.SignInAsync();
        using var outsider = new ConsoleClient(fx.Server.BaseAddress);
        await outsider.SignInAsync(email, Password);
        var adminToken = await OrgUsers.AdminUserTokenAsync(fx);

        foreach (var (browser, token, projectId) in new[] { (admin, adminToken, missing), (admin, adminToken, foreignId), (outsider, outsiderToken, project.Id) })
        {
            var api = await fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev", token);
            Assert.True(api.Code is 403 or 404, api.ToString());
            var download = await browser.GetAsync($"/console/download/{projectId}/dev");
            Assert.Equal(api.Code, (int)download.Status);
            Assert.Equal(api.Json["message"]!.GetValue<string>(), download.Html);

            var apiProject = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", token);
            foreach (var path in new[] { "", "/secrets/dev", "/secrets/dev/API_KEY", "/access", "/roles", "/settings" })
            {
                var page = await browser.GetAsync($"/projects/{projectId}{path}");
                Assert.True(apiProject.Code == (int)page.Status, $"{path}: {page.Status}");
                Assert.Equal(apiProject.Json["message"]!.GetValue<string>(), page.ErrorText);
                Assert.DoesNotContain("elsewhere", page.Html);
            }
        }

        using var signedOut = new ConsoleClient(fx.Server.BaseAddress);
        var redirected = await signedOut.GetAsync($"/console/download/{project.Id}/dev");
        Assert.Equal(HttpStatusCode.Redirect, redirected.Status);
        Assert.Equal("/login", redirected.Location!.OriginalString);
    }

    private async Task<string> TagAsync(string projectId, string slug)
    {
        var created = await fx.Api.PostAsync($"/api/v1/workspace/{projectId}/tags", new { slug, color = "#aa0000" }, fx.AdminToken);
        Expect.Ok(created);
        return created.Json["tag"]!["id"]!.GetValue<string>();
    }

    private async Task<string[]> TagSlugsAsync(string projectId)
    {
        var secret = await fx.Api.GetAsync($"/api/v3/secrets/raw/API_KEY?workspaceId={projectId}&environment=dev", fx.AdminToken);
        Expect.Ok(secret);
        return secret.Json["secret"]!["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()).ToArray();
    }
}
