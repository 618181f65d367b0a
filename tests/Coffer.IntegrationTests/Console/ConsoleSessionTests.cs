using System.Net;
using System.Net.Http.Headers;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>Signing in to the console: the cookie, wrong passwords, sign-out, and what the cookie is not good for.</summary>
public sealed class ConsoleSessionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Sign_in_sets_an_httponly_strict_cookie_and_a_wrong_password_keeps_the_email()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        var wrong = await browser.SubmitAsync("/login", "signin", ("Input.Email", Given.AdminEmail), ("Input.Password", "not the password"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("Invalid credentials", wrong.ErrorText);
        Assert.Contains($"value=\"{Given.AdminEmail}\"", wrong.Html);
        Assert.DoesNotContain("not the password", wrong.Html);
        Assert.Null(browser.SessionCookie);

        var ok = await browser.SubmitAsync("/login", "signin", ("Input.Email", Given.AdminEmail), ("Input.Password", Given.AdminPassword));
        Assert.Equal(HttpStatusCode.Found, ok.Status);
        Assert.Equal("/projects", ok.Location!.OriginalString.Replace(fx.Server.BaseAddress.GetLeftPart(UriPartial.Authority), "", StringComparison.Ordinal));
        var cookie = Assert.Single(ok.SetCookies, c => c.StartsWith("coffer_session=", StringComparison.Ordinal));
        var attributes = cookie.Split("; ").Skip(1).Select(a => a.ToLowerInvariant()).Order().ToArray();
        // Plain HTTP here, so no Secure; over TLS the cookie is Secure (ConsoleCookie).
        Assert.Equal(["httponly", "path=/", "samesite=strict"], attributes);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/projects")).Status);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_the_old_cookie_no_longer_opens_a_page()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var stolen = browser.SessionCookie!;

        var signedOut = await browser.SubmitAsync("/signout", "signout");
        Assert.Equal(HttpStatusCode.Found, signedOut.Status);
        Assert.Equal("/login", signedOut.Location!.AbsolutePath);
        Assert.Null(browser.SessionCookie);

        using var replay = new ConsoleClient(fx.Server.BaseAddress);
        replay.Cookies.Add(fx.Server.BaseAddress, new Cookie("coffer_session", stolen));
        var page = await replay.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.Found, page.Status);
        Assert.Equal("/login", page.Location!.AbsolutePath);
        // The dead cookie is removed from the browser.
        Assert.Contains(page.SetCookies, c => c.StartsWith("coffer_session=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_console_cookie_is_not_an_api_token()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        using var api = fx.Server.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", browser.SessionCookie);
        Expect.Error(await new Api(api).GetAsync("/api/v1/workspace"), 401, "UnauthorizedError", "Token missing");
    }

    [Fact]
    public async Task A_forged_or_foreign_cookie_is_treated_as_no_session()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        // An identity's access token is signed by the same server but is not a console session.
        browser.Cookies.Add(fx.Server.BaseAddress, new Cookie("coffer_session", fx.AdminToken));
        var page = await browser.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.Found, page.Status);
        Assert.Equal("/login", page.Location!.AbsolutePath);

        using var garbage = new ConsoleClient(fx.Server.BaseAddress);
        garbage.Cookies.Add(fx.Server.BaseAddress, new Cookie("coffer_session", "not.a.token"));
        Assert.Equal(HttpStatusCode.Found, (await garbage.GetAsync("/projects")).Status);
    }
}
