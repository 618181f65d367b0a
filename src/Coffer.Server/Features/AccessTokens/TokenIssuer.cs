using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>The lifetime settings an auth method gives the tokens it issues.</summary>
public sealed record TokenPolicy(long Ttl, long MaxTtl, long NumUsesLimit, long Period);

/// <summary>What a login hands back: Infisical's <c>{accessToken, expiresIn, accessTokenMaxTTL, tokenType}</c> plus the row.</summary>
public sealed record IssuedToken(string AccessToken, long ExpiresIn, long AccessTokenMaxTtl, AccessTokenRow Row);

/// <summary>Creates identity access tokens: the row that makes them revocable, and the signed JWT that carries its id.</summary>
public sealed class TokenIssuer(TokenSigner signer, CofferOptions options)
{
    public async Task<IssuedToken> IssueAsync(DbConnection conn, DbTransaction tx, string identityId, string authMethod,
        TokenPolicy policy, long nowMs, string? clientSecretId = null, string? name = null, string? subOrganizationId = null)
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
            CreatedAt = nowMs,
            UpdatedAt = nowMs,
        };
        await AccessTokenStore.InsertAsync(conn, tx, row);
        var jwt = signer.Sign(identityId, row.Id, clientSecretId, JwtLifetime(ttl, policy.Period > 0 ? 0 : maxTtl));
        return new IssuedToken(jwt, ttl, maxTtl, row);
    }

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
