using Microsoft.Playwright;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium, driven by Playwright (no downloaded browser build): one browser for the test process, a fresh
/// context (cookies, viewport, colour scheme) per use. scripts/test.sh installs the <c>chromium</c> package.
/// </summary>
public static class ConsoleBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    /// <summary>Desktop and phone widths the screenshots are taken at.</summary>
    public static readonly (string Name, int Width, int Height)[] Viewports = [("desktop", 1280, 800), ("phone", 390, 844)];

    public static async Task<IBrowser> GetAsync()
    {
        await Gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_browser is { IsConnected: true }) return _browser;
            Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (scripts/test.sh does)");
            _playwright ??= await Playwright.CreateAsync();
            // Assertions wait for the page to reach a state; on a loaded CI machine that can take long, and only a hang
            // should fail (the default of 5 s would make the tests depend on the machine's speed).
            Assertions.SetDefaultExpectTimeout(60_000);
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                // A first start on a fresh machine (profile, font caches) can take long under load; only a hang should fail.
                Timeout = 300_000,
                // Root in CI containers cannot use Chromium's user-namespace sandbox.
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            });
            return _browser;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new browser context against <paramref name="server"/>: its own cookies, at the given width and scheme.</summary>
    public static async Task<IBrowserContext> NewContextAsync(Uri server, int width = 1280, int height = 800, ColorScheme scheme = ColorScheme.Light)
    {
        var browser = await GetAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.GetLeftPart(UriPartial.Authority),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            Locale = "en-GB",
        });
        // Waits are on page events and elements; this only bounds a hang.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    /// <summary>A page signed in through the console's form (the bootstrap administrator by default), on the projects page.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string email = Given.AdminEmail, string password = Given.AdminPassword)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ArrivedAsync(page, "/projects");
        return page;
    }

    /// <summary>
    /// Waits until the page's address is <paramref name="path"/> (a regular expression for the path, without the query).
    /// Only the address is awaited, never the page's load event: an enhanced form or link changes the address within the
    /// same document, so a wait for "load" can hang on it; what the step needs next is awaited by its own locator.
    /// </summary>
    public static Task ArrivedAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^https?://[^/]+" + path + @"(\?.*)?$"));

    /// <summary>Where screenshots go: artifacts/console/ under the repository.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.Combine(ServerProcess.RepositoryRoot, "artifacts", "console");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>
    /// Screenshots of <paramref name="path"/> in light and dark, at desktop and phone width, signed in with the cookies of
    /// <paramref name="signedIn"/> (if any): artifacts/console/{name}-{light|dark}-{desktop|phone}.png.
    /// </summary>
    public static async Task ScreenshotAsync(Uri server, string path, string name, IBrowserContext? signedIn = null)
    {
        var cookies = signedIn is null ? [] : await signedIn.CookiesAsync();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            foreach (var (viewport, width, height) in Viewports)
            {
                await using var context = await NewContextAsync(server, width, height, scheme);
                if (cookies.Count > 0) await context.AddCookiesAsync(cookies.Select(c => new Cookie
                {
                    Name = c.Name,
                    Value = c.Value,
                    Domain = c.Domain,
                    Path = c.Path,
                    HttpOnly = c.HttpOnly,
                    SameSite = c.SameSite,
                }));
                var page = await context.NewPageAsync();
                await page.GotoAsync(path);
                var file = Path.Combine(ScreenshotDirectory, $"{name}-{(scheme == ColorScheme.Dark ? "dark" : "light")}-{viewport}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            }
        }
    }

    /// <summary>
    /// A failed browser step with what the page showed: its URL, heading and error box in the message (what a CI log shows),
    /// and its HTML and a screenshot under artifacts/console/failures/.
    /// </summary>
    public static async Task<Exception> ExplainAsync(IPage page, Exception failure, CapturedLogs serverLogs)
    {
        try
        {
            var dir = Path.Combine(ScreenshotDirectory, "failures");
            Directory.CreateDirectory(dir);
            var name = $"{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..15];
            await File.WriteAllTextAsync(Path.Combine(dir, name + ".html"), await page.ContentAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true, Timeout = 30_000 });
            var heading = await page.Locator("h1").AllInnerTextsAsync();
            var errors = await page.Locator(".error").AllInnerTextsAsync();
            var faults = serverLogs.Lines.Where(l => l.Contains("Unhandled", StringComparison.Ordinal)).TakeLast(2);
            return new InvalidOperationException(
                $"Browser step failed on {page.Url} (heading: {string.Join(" | ", heading)}; errors shown: {string.Join(" | ", errors)}; " +
                $"saved as artifacts/console/failures/{name}.*): {failure.Message}\n{string.Join('\n', faults)}", failure);
        }
        catch (PlaywrightException)
        {
            return failure;
        }
    }
}
