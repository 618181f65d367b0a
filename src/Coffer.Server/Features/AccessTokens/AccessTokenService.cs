using Coffer.Server.Data;
using Coffer.Server.Http;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>Renewing and revoking identity access tokens by presenting the token itself.</summary>
public sealed class AccessTokenService(Db db, TokenSigner signer, TokenIssuer issuer, TimeProvider time)
{
    public async Task<LoginResponse> RenewAsync(string accessToken)
    {
        var claims = signer.Verify(accessToken);
        var now = UnixMs.Now(time);
        var (outcome, row) = await db.WriteAsync(async (conn, tx) =>
        {
            var row = await AccessTokenStore.FindActiveAsync(conn, claims.TokenId, tx);
            if (row is null || row.IdentityId != claims.IdentityId) return ("missing", (AccessTokenRow?)null);

            if (row.AccessTokenNumUsesLimit > 0 && row.AccessTokenNumUses >= row.AccessTokenNumUsesLimit)
            {
                await AccessTokenStore.DeleteAsync(conn, tx, row.Id);
                return ("uses", null);
            }
            if (row.AccessTokenTtl > 0 && now > (row.AccessTokenLastRenewedAt ?? row.CreatedAt) + (row.AccessTokenTtl * 1000))
            {
                await AccessTokenStore.DeleteAsync(conn, tx, row.Id);
                return ("ttl", null);
            }
            if (row.AccessTokenPeriod == 0 && row.AccessTokenMaxTtl > 0)
            {
                var cap = row.CreatedAt + (row.AccessTokenMaxTtl * 1000);
                if (now > cap)
                {
                    await AccessTokenStore.DeleteAsync(conn, tx, row.Id);
                    return ("max", null);
                }
                if (now + (row.AccessTokenTtl * 1000) > cap)
                {
                    await AccessTokenStore.DeleteAsync(conn, tx, row.Id);
                    return ("past-max", null);
                }
            }
            await AccessTokenStore.MarkRenewedAsync(conn, tx, row.Id, now);
            // Cached token state holds the old renewal time; every instance must re-read it.
            await SecurityEpoch.BumpAsync(conn, tx);
            return ("ok", row);
        });

        return outcome switch
        {
            "ok" => new LoginResponse(
                signer.Sign(row!.IdentityId, row.Id, row.IdentityUaClientSecretId,
                    issuer.EffectiveTtl(row.AccessTokenPeriod > 0 ? row.AccessTokenPeriod : row.AccessTokenTtl)),
                row.AccessTokenTtl, row.AccessTokenMaxTtl, "Bearer"),
            "uses" => throw new TokenException("Unable to renew because access token number of uses limit reached"),
            "ttl" => throw new TokenException("Failed to renew MI access token due to TTL expiration"),
            "max" => throw new TokenException("Failed to renew MI access token due to Max TTL expiration"),
            "past-max" => throw new TokenException("Failed to renew MI access token past its Max TTL expiration"),
            _ => throw new TokenException("No identity access token found"),
        };
    }

    public async Task RevokeAsync(string accessToken)
    {
        var claims = signer.Verify(accessToken);
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await AccessTokenStore.RevokeAsync(conn, tx, claims.TokenId, now);
            await SecurityEpoch.BumpAsync(conn, tx);
        });
    }
}
