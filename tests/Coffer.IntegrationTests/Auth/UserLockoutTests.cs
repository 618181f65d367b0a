using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// Issue 29, item 8: repeated failed sign-ins lock the account — even the right password is refused, with a 4xx —
/// until the lock ends on its own; the lock is audited. A server of its own, since it locks the bootstrap user.
/// </summary>
public sealed class UserLockoutTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Task<ApiResponse> LoginAsync(string password) =>
        fx.Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password });

    [Fact]
    public async Task Repeated_failed_sign_ins_lock_the_account_until_the_lock_ends_on_its_own()
    {
        // A success clears earlier failures.
        for (var i = 0; i < 4; i++) Expect.Error(await LoginAsync("wrong password, long enough"), 401, "UnauthorizedError", "Invalid credentials");
        Expect.Ok(await LoginAsync(Given.AdminPassword));

        for (var i = 0; i < 5; i++) Expect.Error(await LoginAsync("wrong password, long enough"), 401, "UnauthorizedError", "Invalid credentials");
        const string Locked = "This account is temporarily locked after repeated failed sign-ins, please try again later";
        Expect.Error(await LoginAsync(Given.AdminPassword), 401, "UnauthorizedError", Locked);

        var audit = await fx.Api.GetAsync("/api/v1/organization/audit-logs?eventType=user-login-locked", fx.AdminToken);
        Expect.Ok(audit);
        var locked = Assert.Single(audit.Json["auditLogs"]!.AsArray())!;
        Assert.Equal("user", locked["actor"]!["type"]!.GetValue<string>());
        Assert.Equal(5, locked["event"]!["metadata"]!["failedAttempts"]!.GetValue<int>());

        fx.Server.Clock.Advance(TimeSpan.FromSeconds(899));
        Expect.Error(await LoginAsync(Given.AdminPassword), 401, "UnauthorizedError", Locked);
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(2));
        Expect.Ok(await LoginAsync(Given.AdminPassword));
    }
}
