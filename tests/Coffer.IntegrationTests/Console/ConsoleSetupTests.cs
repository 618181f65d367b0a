using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>The first page of a fresh server offers the set-up (organization and administrator), once.</summary>
public sealed class ConsoleSetupTests
{
    [Fact]
    public async Task A_fresh_server_offers_set_up_once_keeps_the_form_on_errors_and_signs_the_admin_in()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = new ConsoleClient(server.BaseAddress);

        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, home.Status);
        Assert.Equal("/login", home.Location!.AbsolutePath);
        var login = await browser.GetAsync("/login");
        Assert.Equal(HttpStatusCode.Found, login.Status);
        Assert.Equal("/setup", login.Location!.AbsolutePath);

        var tooShort = await browser.SubmitAsync("/setup", "setup",
            ("Input.Organization", "Acme & Co"), ("Input.Email", "ops@example.com"), ("Input.Password", "short"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.Status);
        Assert.Contains("<p class=\"field-error\" role=\"alert\">Use at least 14 characters.</p>", tooShort.Html);
        Assert.Contains("value=\"Acme &amp; Co\"", tooShort.Html);
        Assert.Contains("value=\"ops@example.com\"", tooShort.Html);
        Assert.DoesNotContain("value=\"short\"", tooShort.Html);

        var badEmail = await browser.SubmitAsync("/setup", "setup",
            ("Input.Organization", "Acme"), ("Input.Email", "not-an-address"), ("Input.Password", Given.AdminPassword));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEmail.Status);
        Assert.Contains("<p class=\"field-error\" role=\"alert\">Enter a valid email address.</p>", badEmail.Html);

        var done = await browser.SubmitAsync("/setup", "setup",
            ("Input.Organization", "Acme"), ("Input.Email", "Ops@Example.com"), ("Input.Password", Given.AdminPassword));
        Assert.Equal(HttpStatusCode.Found, done.Status);
        Assert.Equal("/projects", done.Location!.AbsolutePath);
        Assert.NotNull(browser.SessionCookie);

        var projects = await browser.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.OK, projects.Status);
        Assert.Contains("<span class=\"who\">ops@example.com</span>", projects.Html);

        // Set-up is over: the page sends people to sign in, and a crafted post is refused by the service.
        var again = await browser.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.Found, again.Status);
        Assert.Equal("/login", again.Location!.AbsolutePath);
        var token = (await browser.GetAsync("/projects")).AntiforgeryToken!;
        var crafted = await browser.PostAsync("/setup", [new("_handler", "setup"), new("__RequestVerificationToken", token),
            new("Input.Organization", "Evil"), new("Input.Email", "evil@example.com"), new("Input.Password", "evil-password-long-enough")]);
        Assert.Equal(HttpStatusCode.BadRequest, crafted.Status);
        Assert.Equal("Instance has already been set up", crafted.ErrorText);

        // The API agrees: the bootstrap is spent.
        var api = new Api(server.Http);
        Expect.Error(await api.PostAsync("/api/v1/admin/bootstrap", new { email = "x@example.com", password = Given.AdminPassword, organization = "X" }),
            400, "BadRequest", "Instance has already been set up");
    }
}
