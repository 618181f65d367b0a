using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>A console session ends 30 minutes after its last page, and 12 hours after sign-in whatever happens.</summary>
public sealed class ConsoleExpiryTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_idle_session_ends_after_thirty_minutes_and_use_keeps_it_alive()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        fx.Server.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/projects")).Status);
        fx.Server.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/projects")).Status);
        fx.Server.Clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await browser.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.Found, expired.Status);
        Assert.Equal("/login", expired.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_busy_session_still_ends_twelve_hours_after_sign_in()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        for (var elapsed = 0; elapsed < 11 * 60 + 40; elapsed += 20)
        {
            fx.Server.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/projects")).Status);
        }
        fx.Server.Clock.Advance(TimeSpan.FromMinutes(20));
        var expired = await browser.GetAsync("/projects");
        Assert.Equal(HttpStatusCode.Found, expired.Status);
        Assert.Equal("/login", expired.Location!.AbsolutePath);
    }
}
