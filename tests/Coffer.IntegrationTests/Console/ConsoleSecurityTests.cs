using System.Net;
using System.Text.RegularExpressions;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>What every console page sends and refuses, whatever it shows.</summary>
public sealed partial class ConsoleSecurityTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    /// <summary>Every page template of the console, read from the compiled components: a new page is covered at once.</summary>
    public static TheoryData<string> Pages => new(typeof(Coffer.Server.WebConsole.ConsoleSetup).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false))
        .Cast<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => r.Template).Order(StringComparer.Ordinal));

    /// <summary>Every form: the page it is on, its name, and fields that would otherwise be accepted.</summary>
    public static TheoryData<string, string, string> Forms => new()
    {
        { "/login", "signin", $"Input.Email={Given.AdminEmail}&Input.Password={Given.AdminPassword}" },
        { "/setup", "setup", "Input.Organization=Evil&Input.Email=evil@example.com&Input.Password=evil-password-long-enough" },
        { "/projects", "create-project", "Input.Name=forged-project" },
        { "/signout", "signout", "" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_sends_the_strict_headers_and_no_inline_script_or_style(string template)
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Headers");
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync($"/projects/{projectId}/secrets/dev", "create-secret",
            ("Create.Key", "PAGE_KEY"), ("Create.Value", "v"))).Status);
        var identityId = await fx.Given.IdentityAsync();
        var path = template.Replace("{ProjectId}", projectId, StringComparison.Ordinal).Replace("{Environment}", "dev", StringComparison.Ordinal)
            .Replace("{Key}", "PAGE_KEY", StringComparison.Ordinal).Replace("{IdentityId}", identityId, StringComparison.Ordinal);
        Assert.DoesNotContain("{", path, StringComparison.Ordinal);

        var page = await browser.GetAsync(path);
        // /setup sends a set-up server's visitors to sign in; every other page answers.
        Assert.Equal(template == "/setup" ? HttpStatusCode.Found : HttpStatusCode.OK, page.Status);
        AssertStrictHeaders(page);
        Assert.DoesNotMatch(InlineScript(), page.Html);
        Assert.DoesNotMatch(InlineStyleOrHandler(), page.Html);
    }

    [Fact]
    public async Task Pages_for_people_not_signed_in_send_the_same_headers()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        var login = await browser.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, login.Status);
        AssertStrictHeaders(login);
        var redirect = await browser.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.Found, redirect.Status);
        AssertStrictHeaders(redirect);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Every_form_without_its_antiforgery_token_is_refused_and_changes_nothing(string path, string form, string fields)
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var before = await fx.Api.GetAsync("/api/v1/workspace", fx.AdminToken);
        var posted = await browser.PostAsync(path,
            [new("_handler", form), .. fields.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(f => KeyValuePair.Create(f.Split('=')[0], f.Split('=')[1]))]);
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.Equal("", posted.Html);
        // Still signed in, nothing created.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/projects")).Status);
        Assert.Equal(before.Json.ToJsonString(), (await fx.Api.GetAsync("/api/v1/workspace", fx.AdminToken)).Json.ToJsonString());

        // A token from another browser's session does not pass either.
        using var other = new ConsoleClient(fx.Server.BaseAddress);
        var foreignToken = (await other.GetAsync("/login")).AntiforgeryToken!;
        var foreign = await browser.PostAsync(path, [new("_handler", form), new("__RequestVerificationToken", foreignToken)]);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
    }

    [Fact]
    public async Task The_stylesheet_and_script_are_served_from_the_server_with_their_types()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        var login = await browser.GetAsync("/login");
        foreach (var (pattern, type) in new[] { ("href=\"(/console/console\\.css\\?v=[0-9a-f]{16})\"", "text/css; charset=utf-8"),
                     ("src=\"(/console/console\\.js\\?v=[0-9a-f]{16})\"", "text/javascript; charset=utf-8") })
        {
            var url = Regex.Match(login.Html, pattern).Groups[1].Value;
            using var response = await fx.Server.Http.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.ToString());
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    private static void AssertStrictHeaders(ConsolePage page)
    {
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'", page.Header("Content-Security-Policy"));
        Assert.Equal("DENY", page.Header("X-Frame-Options"));
        Assert.Equal("no-referrer", page.Header("Referrer-Policy"));
        Assert.Equal("nosniff", page.Header("X-Content-Type-Options"));
        Assert.True(page.Headers.CacheControl is { NoStore: true, NoCache: true }, page.Header("Cache-Control"));
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\s(style|on[a-z]+)=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrHandler();
}
