using Coffer.Server.Features.AccessTokens;

namespace Coffer.Tests.Tokens;

/// <summary>Issue 29, item 1: the lifetime a renewed token gets, and the JWT exp that carries it, to the millisecond.</summary>
public sealed class TokenRenewalTests
{
    private static AccessTokenRow Row(long ttl, long maxTtl, long period = 0) =>
        new() { Id = "t", IdentityId = "i", AccessTokenTtl = ttl, AccessTokenMaxTtl = maxTtl, AccessTokenPeriod = period, CreatedAt = 1_000_000 };

    [Theory]
    [InlineData(0, 10, 9_600, 1)] // the last second before max TTL: 0.4 s left rounds up to 1, never to "no expiry"
    [InlineData(0, 10, 9_999, 1)]
    [InlineData(0, 10, 9_000, 1)]
    [InlineData(0, 10, 8_999, 2)]
    [InlineData(60, 100, 50_000, 50)]
    [InlineData(60, 100, 10_000, 60)]
    [InlineData(5, 10, 9_600, 1)]
    public void A_renewal_in_the_last_second_before_max_ttl_still_expires(long ttl, long maxTtl, long elapsedMs, long expected)
    {
        var row = Row(ttl, maxTtl);
        var lifetime = AccessTokenService.LifetimeAfterRenewal(row, row.CreatedAt + elapsedMs);
        Assert.Equal(expected, lifetime);
        var jwt = TokenIssuer.JwtLifetime(lifetime, AccessTokenService.SecondsLeft(row, row.CreatedAt + elapsedMs), operatorCap: 0);
        Assert.True(jwt > 0, "a renewed token without exp lives forever");
        Assert.Equal(expected, jwt);
    }

    [Theory]
    [InlineData(0, 60, 0, 60)]   // TTL 0 under a max TTL: exp at the max TTL
    [InlineData(600, 60, 0, 60)]
    [InlineData(30, 60, 0, 30)]
    [InlineData(0, 0, 0, 0)]     // nothing bounds it: no exp, as in Infisical
    [InlineData(0, 0, 3600, 3600)] // unless the operator capped token lifetimes
    public void A_new_token_carries_exp_whenever_anything_bounds_it(long ttl, long maxTtl, long cap, long expected) =>
        Assert.Equal(expected, TokenIssuer.JwtLifetime(ttl, maxTtl, cap));
}
