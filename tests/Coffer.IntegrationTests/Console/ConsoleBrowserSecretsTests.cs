using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Coffer.IntegrationTests.Console;

/// <summary>The secrets pages in a real Chromium, signed in as the bootstrap administrator of a shared server.</summary>
public sealed class ConsoleBrowserSecretsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_a_project_add_a_key_everywhere_see_a_difference_and_reveal_it_with_an_audit_row()
    {
        await using var context = await ConsoleBrowser.NewContextAsync(fx.Server.BaseAddress);
        var page = await ConsoleBrowser.SignInAsync(context);
        try
        {
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Payments");
            await page.GetByLabel("Description").FillAsync("Card processing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/projects/[^/]+");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Secrets overview" })).ToBeVisibleAsync();
            var projectId = new Uri(page.Url).Segments[^1];

            // One key in every environment at once: the overview marks each column the same as its neighbour.
            await page.GetByLabel("Key", new() { Exact = true }).FillAsync("API_URL");
            await page.GetByLabel("Value").FillAsync("https://api.example.com");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to 3 environments" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "API_URL" });
            await Assertions.Expect(row.GetByRole(AriaRole.Cell)).ToHaveTextAsync(
                ["•••••• Reveal", "•••••• same as Development Reveal", "•••••• same as Staging Reveal"]);

            // A value differing in production is marked against staging.
            var api = fx.Api;
            var admin = await OrgUsers.AdminUserTokenAsync(fx);
            Expect.Ok(await api.PatchAsync("/api/v3/secrets/raw/API_URL",
                new { workspaceId = projectId, environment = "prod", secretValue = "https://api.prod.example.com" }, admin));
            await page.ReloadAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("•••••• differs from Staging Reveal");
            await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveClassAsync("cell-differs");
            await Assertions.Expect(page.GetByText("https://api.prod.example.com")).ToHaveCountAsync(0);

            // Revealing a value shows it and is recorded in the audit trail.
            await row.GetByRole(AriaRole.Link, new() { Name = "Reveal API_URL in Production" }).ClickAsync();
            await Assertions.Expect(page.Locator("#revealed-value")).ToHaveTextAsync("https://api.prod.example.com");
            await fx.Server.Services.GetRequiredService<Coffer.Server.Features.AuditLogs.AuditBatcher>().FlushAsync();
            var events = await api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}&eventType=get-secret", admin);
            Expect.Ok(events);
            var reveal = Assert.Single(events.Json["auditLogs"]!.AsArray());
            Assert.Equal("API_URL", reveal!["event"]!["metadata"]!["secretKey"]!.GetValue<string>());
            Assert.Equal("prod", reveal["event"]!["metadata"]!["environment"]!.GetValue<string>());
            Assert.Equal("user", reveal["actor"]!["type"]!.GetValue<string>());

            // Edit in one environment, see version 2, restore version 1 (which becomes version 3).
            await page.GetByRole(AriaRole.Link, new() { Name = "Production", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Production" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "API_URL", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByLabel("Value")).ToHaveValueAsync("https://api.prod.example.com");
            await page.GetByLabel("Value").FillAsync("https://api-v2.prod.example.com");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "3 (current)" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByLabel("Value")).ToHaveValueAsync("https://api-v2.prod.example.com");
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, new Uri(page.Url).PathAndQuery, "secret-editor", context);
            await page.GetByRole(AriaRole.Button, new() { Name = "Restore version 2" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "4 (current)" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByLabel("Value")).ToHaveValueAsync("https://api.prod.example.com");
            var restored = await api.GetAsync($"/api/v3/secrets/raw/API_URL?workspaceId={projectId}&environment=prod", admin);
            Expect.Ok(restored);
            Assert.Equal("https://api.prod.example.com", restored.Json["secret"]!["secretValue"]!.GetValue<string>());
            Assert.Equal(4, restored.Json["secret"]!["version"]!.GetValue<int>());

            // Paste a .env block in development: the preview says what will change, and only then is it written.
            await page.GotoAsync($"/projects/{projectId}/secrets/dev");
            await page.GetByLabel(".env block", new() { Exact = true }).FillAsync("# pasted\nAPI_URL=https://api.example.com\nexport NEW_KEY=\"hello world\"\n");
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview changes" }).ClickAsync();
            var changes = page.GetByRole(AriaRole.Table, new() { Name = "Changes from the pasted block" });
            await Assertions.Expect(changes.GetByRole(AriaRole.Row)).ToHaveTextAsync(["KeyChange", "API_URLunchanged", "NEW_KEYcreate"]);
            Assert.Equal(404, (await api.GetAsync($"/api/v3/secrets/raw/NEW_KEY?workspaceId={projectId}&environment=dev", admin)).Code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply 1 changes" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "NEW_KEY" })).ToBeVisibleAsync();
            var created = await api.GetAsync($"/api/v3/secrets/raw/NEW_KEY?workspaceId={projectId}&environment=dev", admin);
            Assert.Equal("hello world", created.Json["secret"]!["secretValue"]!.GetValue<string>());

            // Download the folder as .env: what is read back is what is stored.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download .env" }).ClickAsync());
            Assert.Equal("dev.env", download.SuggestedFilename);
            var file = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
            Assert.Equal("API_URL=https://api.example.com\nNEW_KEY=\"hello world\"\n", file);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"/projects/{projectId}/secrets/dev", "secret-folder", context);

            await page.GotoAsync("/projects");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Payments" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Development, Staging, Production" })).ToBeVisibleAsync();
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, "/projects", "projects", context);
            await ConsoleBrowser.ScreenshotAsync(fx.Server.BaseAddress, $"/projects/{projectId}", "secrets-overview", context);
        }
        catch (Exception e)
        {
            throw await ConsoleBrowser.ExplainAsync(page, e, fx.Server.Logs);
        }
    }
}
