namespace Coffer.Cli.Config;

/// <summary>An access token saved by <c>coffer login</c> for one server.</summary>
internal sealed record StoredToken(
    string AccessToken,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? MaxExpiresAt,
    string? ClientId)
{
    /// <summary>Builds the record from a login or renew answer (<c>expiresIn</c> 0 means no expiry).</summary>
    public static StoredToken FromServer(string accessToken, long expiresIn, long maxTtl, DateTimeOffset now, string? clientId, DateTimeOffset? maxExpiresAt = null) =>
        new(
            accessToken,
            now,
            expiresIn > 0 ? now.AddSeconds(expiresIn) : null,
            maxExpiresAt ?? (maxTtl > 0 ? now.AddSeconds(maxTtl) : null),
            clientId);
}

/// <summary>
/// When to renew: once less than a quarter of the token's life is left (at least the last five
/// minutes, or the last half for tokens shorter than ten minutes), so a renewal happens well before
/// expiry even for commands run rarely. Infisical refuses to renew an already expired token, and
/// refuses renewals that would pass the max TTL, so those cases are reported instead.
/// </summary>
internal static class RenewalPolicy
{
    public enum Decision
    {
        UseAsIs,
        Renew,
        Expired,
    }

    public static Decision Decide(StoredToken token, DateTimeOffset now)
    {
        if (token.ExpiresAt is not { } expiresAt)
        {
            return Decision.UseAsIs;
        }

        var remaining = expiresAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return Decision.Expired;
        }

        var lifetime = expiresAt - token.IssuedAt;
        if (lifetime <= TimeSpan.Zero)
        {
            return Decision.UseAsIs;
        }

        var threshold = TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 4, Math.Min(TimeSpan.FromMinutes(5).Ticks, lifetime.Ticks / 2)));
        if (remaining > threshold)
        {
            return Decision.UseAsIs;
        }

        // A renewal would end past the max TTL: the server would refuse it, so keep the token until it expires.
        if (token.MaxExpiresAt is { } max && now + lifetime > max)
        {
            return Decision.UseAsIs;
        }

        return Decision.Renew;
    }
}
