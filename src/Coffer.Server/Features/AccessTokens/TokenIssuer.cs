using System.Data.Common;
using Coffer.Server.Configuration;
using Coffer.Server.Data;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>The lifetime settings an auth method gives the tokens it issues.</summary>
public sealed record TokenPolicy(long Ttl, long MaxTtl, long NumUsesLimit, long Period);

/// <summary>What a login hands back: Infisical's <c>{accessToken, expiresIn, accessTokenMaxTTL, tokenType}</c> plus the row.</summary>
public sealed record IssuedToken(string AccessToken, long ExpiresIn, long AccessTokenMaxTtl, AccessTokenRow Row);

/// <summary>A token whose row is written and whose JWT is not signed yet (signing waits until the write unit is over).</summary>
public sealed record PendingToken(AccessTokenRow Row, long ExpiresIn, long AccessTokenMaxTtl, long JwtLifetimeSeconds);

/// <summary>
/// Creates identity access tokens: the row that makes them revocable, inside the caller's write unit
/// (<see cref="CreateAsync"/>), and after it, the signed JWT that carries the row's id (<see cref="Sign"/>).
/// </summary>
public sealed class TokenIssuer(TokenSigner signer, CofferOptions options)
{
    public async Task<PendingToken> CreateAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod,
        TokenPolicy policy, long nowMs, string? clientSecretId = null, string? name = null, string? subOrganizationId = null,
        System.Text.Json.Nodes.JsonObject? authInfo = null)
    {
        // Periodic tokens renew forever, one period at a time; Infisical gives them a ~30 year cap.
        var ttl = policy.Period > 0 ? policy.Period : policy.Ttl;
        var maxTtl = policy.Period > 0 ? 1_000_000_000 : policy.MaxTtl;
        var row = new AccessTokenRow
        {
            Id = Ids.New(),
            IdentityId = identityId,
            AuthMethod = authMethod,
            IdentityUaClientSecretId = clientSecretId,
            Name = name,
            AccessTokenTtl = ttl,
            AccessTokenMaxTtl = maxTtl,
            AccessTokenNumUsesLimit = policy.NumUsesLimit,
            AccessTokenPeriod = policy.Period,
            SubOrganizationId = subOrganizationId,
            AuthInfo = authInfo?.ToJsonString(),
            CreatedAt = nowMs,
            UpdatedAt = nowMs,
        };
        await AccessTokenStore.InsertAsync(conn, tx, row);
        return new PendingToken(row, ttl, maxTtl, JwtLifetime(ttl, policy.Period > 0 ? 0 : maxTtl));
    }

    /// <summary>Signs a token created by <see cref="CreateAsync"/>, once its write unit has committed.</summary>
    public IssuedToken Sign(PendingToken token) =>
        new(signer.Sign(token.Row.IdentityId, token.Row.Id, token.Row.IdentityUaClientSecretId, token.JwtLifetimeSeconds),
            token.ExpiresIn, token.AccessTokenMaxTtl, token.Row);

    /// <summary>
    /// The JWT's <c>exp</c>, in seconds from now: the TTL, never past the max TTL (so a token with TTL 0 and a max TTL
    /// still carries one), else the operator's cap; 0 (no <c>exp</c>) only for a token nothing bounds.
    /// </summary>
    public long JwtLifetime(long ttl, long maxTtlLeft) => JwtLifetime(ttl, maxTtlLeft, options.MaxIdentityAccessTokenTtlSeconds);

    /// <inheritdoc cref="JwtLifetime(long, long)"/>
    internal static long JwtLifetime(long ttl, long maxTtlLeft, long operatorCap)
    {
        var bound = ttl switch
        {
            > 0 when maxTtlLeft > 0 => Math.Min(ttl, maxTtlLeft),
            > 0 => ttl,
            _ => maxTtlLeft,
        };
        return bound > 0 ? bound : operatorCap;
    }
}
