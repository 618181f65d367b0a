using System.Net;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>Project settings in the console: rename, environments, delete protection and deleting the project.</summary>
public sealed class ConsoleSettingsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Rename_manage_environments_and_delete_only_once_protection_is_off()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Billing");
        var settings = $"/projects/{projectId}/settings";
        var admin = await OrgUsers.AdminUserTokenAsync(fx);

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, "rename", ("General.Name", "Billing EU"), ("General.Description", "invoices"))).Status);
        var project = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", admin);
        Assert.Equal("Billing EU", project.Json["workspace"]!["name"]!.GetValue<string>());

        var badSlug = await browser.SubmitAsync(settings, "add-environment", ("NewEnvironment.Name", "QA"), ("NewEnvironment.Slug", "q a!"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badSlug.Status);
        Assert.Equal("slug: Slug field can only contain letters, numbers, and hyphens", badSlug.ErrorText);
        Assert.Contains("value=\"QA\"", badSlug.Html);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, "add-environment", ("NewEnvironment.Name", "QA"), ("NewEnvironment.Slug", "qa"))).Status);
        Assert.Equal(["dev", "staging", "prod", "qa"], await SlugsAsync(projectId, admin));

        var qa = await EnvironmentIdAsync(projectId, admin, "qa");
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, $"up-{qa}")).Status);
        Assert.Equal(["dev", "staging", "qa", "prod"], await SlugsAsync(projectId, admin));
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, $"env-{qa}", ("envName", "Quality"), ("envSlug", "quality"))).Status);
        Assert.Equal(["dev", "staging", "quality", "prod"], await SlugsAsync(projectId, admin));

        var unconfirmed = await browser.SubmitAsync(settings, $"delete-env-{qa}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.Status);
        Assert.Equal("Tick the box to confirm deleting the environment.", unconfirmed.ErrorText);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, $"delete-env-{qa}", ("confirm", "yes"))).Status);
        Assert.Equal(["dev", "staging", "prod"], await SlugsAsync(projectId, admin));

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, "protection")).Status);
        var wrongName = await browser.SubmitAsync(settings, "delete-project", ("DeleteProject.Name", "Billing"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongName.Status);
        Assert.Equal("Type Billing EU exactly to delete the project.", wrongName.ErrorText);
        var protectedDelete = await browser.SubmitAsync(settings, "delete-project", ("DeleteProject.Name", "Billing EU"));
        Assert.Equal(HttpStatusCode.Forbidden, protectedDelete.Status);
        Assert.Equal("Project delete protection is enabled", protectedDelete.ErrorText);
        Expect.Ok(await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", admin));

        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(settings, "protection")).Status);
        var deleted = await browser.SubmitAsync(settings, "delete-project", ("DeleteProject.Name", "Billing EU"));
        Assert.Equal(HttpStatusCode.Found, deleted.Status);
        Assert.Equal("/projects", deleted.Location!.AbsolutePath);
        Assert.Equal(404, (await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", admin)).Code);
    }

    private async Task<string[]> SlugsAsync(string projectId, string token)
    {
        var project = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", token);
        Expect.Ok(project);
        return project.Json["workspace"]!["environments"]!.AsArray().Select(e => e!["slug"]!.GetValue<string>()).ToArray();
    }

    private async Task<string> EnvironmentIdAsync(string projectId, string token, string slug)
    {
        var project = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}", token);
        return project.Json["workspace"]!["environments"]!.AsArray().OfType<JsonObject>().Single(e => e["slug"]!.GetValue<string>() == slug)["id"]!.GetValue<string>();
    }
}
