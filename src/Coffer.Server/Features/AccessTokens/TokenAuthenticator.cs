using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Http.Auth;
using Dapper;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Turns a bearer token into an <see cref="Actor"/>, with Infisical's checks in Infisical's order. Token state is
/// cached per token and dropped whenever the security epoch moves, so revocations apply on the next request while
/// the common path costs one tiny read.
/// </summary>
public sealed class TokenAuthenticator(Db db, TokenSigner signer, TimeProvider time)
{
    private const int MaxCachedTokens = 50_000;
    private readonly ConcurrentDictionary<string, CachedState> _cache = new(StringComparer.Ordinal);

    public async Task<Actor> AuthenticateAsync(string token, IPAddress clientIp)
    {
        if (token.Length == 0) throw new TokenException("jwt must be provided");
        return await AuthenticateAsync(signer.Verify(token), clientIp);
    }

    /// <param name="consumeUse">
    /// False when a long-lived request (an event stream) re-checks the token it started with: still live, still in its
    /// organization, still from a trusted address, within its TTLs — without spending one of its uses again.
    /// </param>
    /// <param name="projectHint">The project a read names, whose content version is read with the security epoch.</param>
    public async Task<Actor> AuthenticateAsync(IdentityClaims claims, IPAddress clientIp, bool consumeUse = true, string? projectHint = null)
    {
        var (epoch, hint) = await db.ReadCountersAsync(projectHint);
        var state = await LoadAsync(claims.TokenId, epoch);
        if (state is null || state.IdentityId != claims.IdentityId)
            throw new TokenException("No identity access token found");
        if (!state.InOrg)
            throw new TokenException("Identity does not belong to this organization");
        if (!TrustedIps.Allows(state.TrustedIps, clientIp))
            throw new ForbiddenException("You are not allowed to access this resource from the current IP address");

        var now = UnixMs.Now(time);
        if (state.Ttl > 0 && now > (state.LastRenewedAt ?? state.CreatedAt) + (state.Ttl * 1000))
            throw new TokenException("Failed to renew MI access token due to TTL expiration");
        // A max TTL bounds a token's whole life, renewed or not (Infisical checks it only on renewal, so a token with
        // TTL 0 outlived it). Periodic tokens renew without end.
        if (state.Period == 0 && state.MaxTtl > 0 && now >= state.CreatedAt + (state.MaxTtl * 1000))
            throw new TokenException("Failed to renew MI access token due to Max TTL expiration");

        // Only tokens with a use limit pay for a write; everything else stays read-only.
        if (state.NumUsesLimit > 0 && consumeUse)
        {
            var consumed = await db.WriteAsync(async (conn, tx) =>
            {
                if (await AccessTokenStore.TryConsumeUseAsync(conn, tx, state.TokenId, now)) return true;
                await AccessTokenStore.RevokeAsync(conn, tx, state.TokenId, now);
                return false;
            });
            if (!consumed) throw new TokenException("Unable to renew because access token number of uses limit reached");
        }

        return new Actor(ActorType.Identity, state.IdentityId, state.OrgId, state.IdentityName, state.AuthMethod,
            state.TokenId, state.ClientSecretId, epoch)
        { ContentVersionHint = hint, AuthInfo = state.AuthInfo, AuthInfoKey = state.AuthInfoKey };
    }

    // The epoch is read (by the caller) before the state it tags, so a cached state is never newer than its epoch says.
    private ValueTask<TokenState?> LoadAsync(string tokenId, long epoch)
    {
        var hit = _cache.TryGetValue(tokenId, out var cached) && cached!.Epoch == epoch;
        CofferMetrics.CacheLookup("access_token", hit);
        return hit ? ValueTask.FromResult(cached!.State) : new ValueTask<TokenState?>(LoadMissAsync(tokenId, epoch));
    }

    // Apart from LoadAsync so the lambda's closure is allocated on a miss only, not on every request.
    private async Task<TokenState?> LoadMissAsync(string tokenId, long epoch)
    {
        var state = await db.ReadAsync(conn => QueryAsync(conn, tokenId));
        if (_cache.Count >= MaxCachedTokens) _cache.Clear();
        _cache[tokenId] = new CachedState(epoch, state);
        return state;
    }

    private static async Task<TokenState?> QueryAsync(DbConnection conn, string tokenId)
    {
        var row = await AccessTokenStore.FindLiveStateAsync(conn, tokenId);
        if (row is null) return null;
        return new TokenState(row.TokenId, row.IdentityId, row.OrgId, row.IdentityName, row.AuthMethod, row.ClientSecretId,
            row.Ttl, row.MaxTtl, row.Period, row.NumUsesLimit, row.CreatedAt, row.LastRenewedAt, row.InOrg == 1,
            TrustedIps.Parse(row.TrustedIps ?? AllowAllJson),
            TokenAuthInfo.ForTemplates(row.IdentityId, row.IdentityName, row.AuthMethod, row.AuthInfo),
            string.Join('\u001f', row.AuthMethod, row.IdentityName, row.AuthInfo ?? ""));
    }

    private static readonly string AllowAllJson = TrustedIps.NormalizeDefault().ToJsonString();

    private sealed record CachedState(long Epoch, TokenState? State);

    private sealed record TokenState(
        string TokenId, string IdentityId, string OrgId, string IdentityName, string AuthMethod, string? ClientSecretId,
        long Ttl, long MaxTtl, long Period, long NumUsesLimit, long CreatedAt, long? LastRenewedAt, bool InOrg, IPNetwork[] TrustedIps,
        IReadOnlyDictionary<string, string> AuthInfo, string AuthInfoKey);
}
