using System.Globalization;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.RateLimiting;

namespace Coffer.IntegrationTests.MultiInstance;

/// <summary>Two instances with limits configured: one count per route and client, whichever instance answers.</summary>
public sealed class SharedRateLimitFixture : TwoInstancesFixture
{
    public const int AuthLimit = 7;
    public const int ReadLimit = 5;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RATE_LIMIT_AUTH"] = AuthLimit.ToString(CultureInfo.InvariantCulture),
        ["RATE_LIMIT_READ"] = ReadLimit.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed class SharedRateLimitTests(SharedRateLimitFixture fx) : IClassFixture<SharedRateLimitFixture>
{
    [Fact]
    public async Task Concurrent_logins_split_across_both_instances_share_one_auth_limit()
    {
        RequiresPostgres.Check();
        // Set-up uses write routes only, so the login route's count starts here.
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync());

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? fx.ApiA : fx.ApiB).PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret })));

        Assert.Equal(SharedRateLimitFixture.AuthLimit, results.Count(r => r.Code == 200));
        foreach (var refused in results.Where(r => r.Code != 200)) RateLimitTests.ExpectLimited(refused, SharedRateLimitFixture.AuthLimit);
    }

    [Fact]
    public async Task Reads_alternating_between_instances_are_counted_once()
    {
        RequiresPostgres.Check();
        var path = $"/api/v1/identities?orgId={fx.Given.OrgId}";
        for (var i = 0; i < SharedRateLimitFixture.ReadLimit; i++)
        {
            var r = await (i % 2 == 0 ? fx.ApiA : fx.ApiB).GetAsync(path, fx.Given.AdminToken);
            Expect.Ok(r);
            Assert.Equal((SharedRateLimitFixture.ReadLimit - i - 1).ToString(CultureInfo.InvariantCulture), r.Header("x-ratelimit-remaining"));
        }

        RateLimitTests.ExpectLimited(await fx.ApiB.GetAsync(path, fx.Given.AdminToken), SharedRateLimitFixture.ReadLimit);
        RateLimitTests.ExpectLimited(await fx.ApiA.GetAsync(path, fx.Given.AdminToken), SharedRateLimitFixture.ReadLimit);
    }
}
