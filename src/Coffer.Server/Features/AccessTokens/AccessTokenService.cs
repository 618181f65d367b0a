using Coffer.Server.Data;

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
            if (row.AccessTokenPeriod == 0 && row.AccessTokenMaxTtl > 0 && now >= row.CreatedAt + (row.AccessTokenMaxTtl * 1000))
            {
                await AccessTokenStore.DeleteAsync(conn, tx, row.Id);
                return ("max", null);
            }
            await AccessTokenStore.MarkRenewedAsync(conn, tx, row.Id, now);
            // Cached token state holds the old renewal time; every instance must re-read it.
            await SecurityEpoch.BumpAsync(conn, tx);
            return ("ok", row);
        });

        if (outcome == "ok")
        {
            var ttl = LifetimeAfterRenewal(row!, now);
            var maxLeft = row!.AccessTokenPeriod == 0 && row.AccessTokenMaxTtl > 0 ? SecondsLeft(row, now) : 0;
            return new LoginResponse(signer.Sign(row.IdentityId, row.Id, row.IdentityUaClientSecretId, issuer.JwtLifetime(ttl, maxLeft)),
                ttl, row.AccessTokenMaxTtl, "Bearer");
        }
        throw outcome switch
        {
            "uses" => new TokenException("Unable to renew because access token number of uses limit reached"),
            "ttl" => new TokenException("Failed to renew MI access token due to TTL expiration"),
            "max" => new TokenException("Failed to renew MI access token due to Max TTL expiration"),
            _ => new TokenException("No identity access token found"),
        };
    }

    /// <summary>
    /// A renewed token lives one TTL (or period), cut short at the max TTL. Infisical refuses a renewal that would cross
    /// the max TTL instead, which makes renewal impossible whenever TTL equals max TTL (its default); a renewal that
    /// cannot give a full TTL gives what is left.
    /// </summary>
    internal static long LifetimeAfterRenewal(AccessTokenRow row, long nowMs)
    {
        if (row.AccessTokenPeriod > 0) return row.AccessTokenPeriod;
        if (row.AccessTokenMaxTtl == 0) return row.AccessTokenTtl;
        var leftSeconds = SecondsLeft(row, nowMs);
        return row.AccessTokenTtl == 0 ? leftSeconds : Math.Min(row.AccessTokenTtl, leftSeconds);
    }

    /// <summary>Whole seconds to the max TTL, rounded up: a renewal in its last second still gets an <c>exp</c> (1 s), never none.</summary>
    internal static long SecondsLeft(AccessTokenRow row, long nowMs) => (row.CreatedAt + (row.AccessTokenMaxTtl * 1000) - nowMs + 999) / 1000;

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
