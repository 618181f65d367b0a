using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// ASP.NET's enhanced navigation and forms in a real Chromium: links, searches and form posts (also refused ones) patch
/// the page in place — a value set on the window survives them, as it would not a full page load — under the strict CSP,
/// with no script error or CSP violation on the way; a download still downloads.
/// </summary>
public sealed class ConsoleBrowserEnhancementTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Links_searches_and_posts_update_the_page_in_place_without_script_errors()
    {
        await using var context = await ConsoleBrowser.NewContextAsync(fx.Server.BaseAddress);
        var page = await ConsoleBrowser.SignInAsync(context);
        var problems = new List<string>();
        // Chromium logs every 4xx answer as a console error; the one refused post below is meant to be refused.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("status of 422", StringComparison.Ordinal)) problems.Add(message.Text);
        };
        page.PageError += (_, error) => problems.Add(error);
        try
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projects" })).ToBeVisibleAsync();
            await page.EvaluateAsync("() => window.cofferMarker = 42");

            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Identities" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Machine identities" })).ToBeVisibleAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/identities$"));
            Assert.Equal(42, await page.EvaluateAsync<int>("() => window.cofferMarker"));

            // A post that redirects, one that is refused (shown with its message and status), and a search.
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("enhanced-runner");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create identity" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "enhanced-runner" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Add universal auth" }).ClickAsync();
            await Assertions.Expect(page.Locator("#client-id")).ToBeVisibleAsync();
            await page.GetByLabel("Failed logins before lockout").FillAsync("31");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            await Assertions.Expect(page.Locator("p.error")).ToHaveTextAsync("Failed logins before lockout: Number must be less than or equal to 30");
            await Assertions.Expect(page.GetByLabel("Failed logins before lockout")).ToHaveValueAsync("31");
            Assert.Equal(42, await page.EvaluateAsync<int>("() => window.cofferMarker"));

            await page.GetByRole(AriaRole.Link, new() { Name = "Machine identities" }).ClickAsync();
            await page.GetByRole(AriaRole.Searchbox).FillAsync("enhanced");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/identities\\?q=enhanced$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "enhanced-runner" })).ToBeVisibleAsync();
            Assert.Equal(42, await page.EvaluateAsync<int>("() => window.cofferMarker"));
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        catch (Exception e)
        {
            throw await ConsoleBrowser.ExplainAsync(page, e, fx.Server.Logs);
        }
    }
}
