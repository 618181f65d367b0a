using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>The console's sign-in counts towards the same per-account lockout as the API's.</summary>
public sealed class ConsoleLockoutTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        const string password = "a long enough password 123";
        var (_, email, _) = await OrgUsers.SignUpAsync(fx, "locked", password);
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        for (var i = 0; i < 5; i++)
        {
            var wrong = await browser.SubmitAsync("/login", "signin", ("Input.Email", email), ("Input.Password", $"wrong {i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
            Assert.Equal("Invalid credentials", wrong.ErrorText);
        }
        var locked = await browser.SubmitAsync("/login", "signin", ("Input.Email", email), ("Input.Password", password));
        Assert.Equal(HttpStatusCode.Unauthorized, locked.Status);
        Assert.Equal("This account is temporarily locked after repeated failed sign-ins, please try again later", locked.ErrorText);
        Assert.Null(browser.SessionCookie);
        // The API refuses it too: one counter.
        Expect.Error(await fx.Api.PostAsync("/api/v3/auth/login", new { email, password }), 401, "UnauthorizedError",
            "This account is temporarily locked after repeated failed sign-ins, please try again later");

        fx.Server.Clock.Advance(TimeSpan.FromMinutes(16));
        await browser.SignInAsync(email, password);
    }
}
