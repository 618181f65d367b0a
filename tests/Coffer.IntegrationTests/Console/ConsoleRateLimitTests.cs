using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>The console's sign-in counts under the auth rate limit per client address, as the API's login does.</summary>
public sealed class ConsoleRateLimitTests(ConsoleRateLimitTests.Fixture fx) : IClassFixture<ConsoleRateLimitTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["RATE_LIMIT_AUTH"] = "3" };
    }

    [Fact]
    public async Task The_fourth_sign_in_post_in_a_minute_is_refused_with_429()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        var token = (await browser.GetAsync("/login")).AntiforgeryToken!;
        for (var i = 0; i < 3; i++)
        {
            var wrong = await browser.PostAsync("/login", [new("_handler", "signin"), new("__RequestVerificationToken", token),
                new("Input.Email", $"nobody{i}@example.com"), new("Input.Password", "wrong")]);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        }
        var limited = await browser.PostAsync("/login", [new("_handler", "signin"), new("__RequestVerificationToken", token),
            new("Input.Email", Given.AdminEmail), new("Input.Password", Given.AdminPassword)]);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.NotNull(limited.Header("Retry-After"));
        Assert.Null(browser.SessionCookie);
    }
}
