using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// Machine identities and project access in a real Chromium: an identity made and given universal auth in the console
/// logs in through the API, and what the console grants and removes is what the API then allows.
/// </summary>
public sealed class ConsoleBrowserAccessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_identity_from_the_console_logs_in_and_its_project_access_follows_the_console()
    {
        await using var context = await ConsoleBrowser.NewContextAsync(fx.Server.BaseAddress);
        var page = await ConsoleBrowser.SignInAsync(context);
        try
        {
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Deployments");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/projects/[^/]+");
            var projectId = new Uri(page.Url).Segments[^1];

            // An identity with universal auth and a client secret, shown once.
            await page.GotoAsync("/identities");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("ci-runner");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create identity" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "ci-runner" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add universal auth" }).ClickAsync();
            await Assertions.Expect(page.Locator("#client-id")).ToBeVisibleAsync();
            await page.GetByLabel("Description").FillAsync("pipeline");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create client secret" }).ClickAsync();
            await Assertions.Expect(page.Locator("#new-client-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
            var clientId = await page.Locator("#client-id").InnerTextAsync();
            var clientSecret = await page.Locator("#new-client-secret").InnerTextAsync();
            var identityPage = new Uri(page.Url).AbsolutePath;
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, new Uri(page.Url).PathAndQuery, "identity", context);
            // Shown once: the page opened again has only its prefix.
            await page.GotoAsync(new Uri(page.Url).PathAndQuery);
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = clientSecret[..4] + "…" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#new-client-secret")).ToHaveCountAsync(0);
            Assert.DoesNotContain(clientSecret, await page.ContentAsync());

            var login = await fx.Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret });
            Expect.Ok(login);
            var token = login.Json["accessToken"]!.GetValue<string>();
            var list = $"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev";
            Expect.Error(await fx.Api.GetAsync(list, token), 403, "ProjectMembershipNotFound",
                $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");

            // Added as a viewer: it reads, and may not write.
            await page.GotoAsync($"/projects/{projectId}/access");
            await page.GetByLabel("Identity", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "ci-runner" });
            await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Viewer" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to project" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ci-runner" });
            await Assertions.Expect(row.GetByRole(AriaRole.Cell).First).ToHaveTextAsync("Viewer");
            Expect.Ok(await fx.Api.GetAsync(list, token));
            var write = new { workspaceId = projectId, environment = "dev", secretValue = "v" };
            Assert.Equal(403, (await fx.Api.PostAsync("/api/v3/secrets/raw/FROM_CI", write, token)).Code);

            // Changed to member: it writes.
            await row.GetByLabel("New role for ci-runner").SelectOptionAsync(new SelectOptionValue { Label = "Member" });
            await row.GetByRole(AriaRole.Button, new() { Name = "Change role of ci-runner" }).ClickAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Cell).First).ToHaveTextAsync("Member");
            Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/FROM_CI", write, token));
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"/projects/{projectId}/access", "project-access", context);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"/projects/{projectId}/settings", "project-settings", context);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, "/identities", "identities", context);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"/projects/{projectId}/roles", "project-roles", context);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"{identityPage}/token-auth", "token-auth", context);

            // Removed (the founding delete, confirmed by name): its next call is refused.
            await row.GetByLabel("Remove ci-runner from Deployments").CheckAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Remove ci-runner" }).ClickAsync();
            await Assertions.Expect(page.GetByText("No machine identity is a member of this project.")).ToBeVisibleAsync();
            Expect.Error(await fx.Api.GetAsync(list, token), 403, "ProjectMembershipNotFound",
                $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");
            // The audit log shows those changes, newest first, each with its metadata.
            await page.GotoAsync("/audit");
            await page.GetByLabel("Project").SelectOptionAsync(new SelectOptionValue { Label = "Deployments" });
            await page.GetByLabel("Actor type").SelectOptionAsync(new SelectOptionValue { Label = "People" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            var events = page.Locator("tbody tr td.mono");
            await Assertions.Expect(events).ToContainTextAsync(["delete-identity-project-membership", "update-identity-project-membership", "create-identity-project-membership"]);
            var removal = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "delete-identity-project-membership" });
            await Assertions.Expect(removal.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync($"{Given.AdminEmail} (user)");
            await removal.GetByText("Metadata").ClickAsync();
            await Assertions.Expect(removal.Locator("pre")).ToContainTextAsync("\"identityId\"");
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, new Uri(page.Url).PathAndQuery, "audit-log", context);
        }
        catch (Exception e)
        {
            throw await ConsoleBrowser.ExplainAsync(page, e, fx.Server.Logs);
        }
    }
}
