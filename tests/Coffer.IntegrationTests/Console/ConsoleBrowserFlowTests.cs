using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// The console in a real Chromium: what a person does on a fresh server, from set-up to sign-out. Each step waits on
/// the page (a URL, a heading, a message), never on time.
/// </summary>
public sealed class ConsoleBrowserFlowTests
{
    [Fact]
    public async Task First_run_set_up_then_sign_out_a_wrong_password_sign_in_again_the_old_cookie_refused_and_lockout()
    {
        await using var server = await TestServer.StartAsync();
        await using var context = await ConsoleBrowser.NewContextAsync(server.BaseAddress);
        var page = await context.NewPageAsync();
        try
        {

            await page.GotoAsync("/");
            await ConsoleBrowser.ArrivedAsync(page, "/setup");
            await ConsoleBrowser.ScreenshotAsync(server.BaseAddress, "/setup", "setup");
            await page.GetByLabel("Organization name").FillAsync("Acme");
            await page.GetByLabel("Administrator email").FillAsync(Given.AdminEmail);
            await page.GetByLabel("Password (at least 14 characters)").FillAsync(Given.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create organization and administrator" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/projects");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projects", Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync(Given.AdminEmail);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/login");
            await ConsoleBrowser.ScreenshotAsync(server.BaseAddress, "/login", "sign-in");

            await page.GetByLabel("Email").FillAsync(Given.AdminEmail);
            await page.GetByLabel("Password").FillAsync("not the password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid credentials");
            await Assertions.Expect(page.GetByLabel("Email")).ToHaveValueAsync(Given.AdminEmail);

            await page.GetByLabel("Password").FillAsync(Given.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/projects");
            await ConsoleBrowser.ScreenshotAsync(server.BaseAddress, "/projects", "projects-empty", context);

            // Signed out, the old cookie opens nothing.
            var signedIn = await context.CookiesAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await ConsoleBrowser.ArrivedAsync(page, "/login");
            await using (var replay = await ConsoleBrowser.NewContextAsync(server.BaseAddress))
            {
                await replay.AddCookiesAsync(signedIn.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
                var old = await replay.NewPageAsync();
                await old.GotoAsync("/projects");
                await ConsoleBrowser.ArrivedAsync(old, "/login");
            }

            // Repeated failures lock the account: then even the right password is refused, with the reason.
            await page.GetByLabel("Email").FillAsync(Given.AdminEmail);
            for (var i = 0; i < 5; i++)
            {
                await page.GetByLabel("Password").FillAsync($"wrong password {i}");
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
                // The answer's page: the password field comes back empty.
                await Assertions.Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
                await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid credentials");
            }
            await page.GetByLabel("Password").FillAsync(Given.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
                "This account is temporarily locked after repeated failed sign-ins, please try again later");
            Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath);
        }
        catch (Exception e)
        {
            throw await ConsoleBrowser.ExplainAsync(page, e, server.Logs);
        }
    }
}
