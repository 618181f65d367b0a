using System.Net;
using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;

namespace Coffer.Server.Features.UniversalAuth;

/// <summary>
/// Universal-auth login with Infisical's checks in Infisical's order: client id, client-secret trusted IPs, lockout,
/// secret match, secret TTL, secret use limit. Counters and lockouts live in the database and change atomically,
/// so limits hold across concurrent requests and across instances. The login's audit event goes through the
/// <see cref="AuditBatcher"/> (as Infisical queues its audit logs): one insert fewer in the write everyone waits on.
/// </summary>
public sealed class UniversalAuthLogin(Db db, SecretHasher hasher, TokenIssuer issuer, AuditBatcher auditBatcher, TimeProvider time)
{
    // Compared against when there is nothing real to compare with, so every failed login costs one HMAC check.
    private readonly string _decoyHash = hasher.Hash(RandomSecrets.Hex(32));

    private sealed record Issued(PendingToken Token, string? OrgId, string IdentityId, string UniversalAuthId, string ClientSecretId);

    private enum Outcome
    {
        Success,
        InvalidCredentials,
        Locked,
        Expired,
        UsageLimit,
    }

    public async Task<LoginResponse> LoginAsync(string clientId, string clientSecret, IPAddress clientIp, AuditContext audit)
    {
        var now = UnixMs.Now(time);
        var (outcome, issued) = await db.WriteAsync(async (conn, tx) =>
        {
            // The configuration and its lockout row in one read, for known and unknown ids alike.
            var found = await UniversalAuthStore.FindForLoginAsync(conn, tx, clientId, $"{AuthMethods.UniversalAuth}:");
            if (found is not { Config: var ua, LockedUntil: var lockoutRow })
            {
                // Spend the same work as a failed attempt on a real client id (a prefix lookup, one hash comparison, a
                // lockout write that matches nothing), so response time does not reveal which ids exist.
                await UniversalAuthStore.FindByPrefixAsync(conn, tx, clientId, Prefix(clientSecret));
                Verify(clientSecret, _decoyHash);
                await LockoutStore.TouchAsync(conn, tx, $"{AuthMethods.UniversalAuth}:unknown:{clientId}", now);
                return (Outcome.InvalidCredentials, (Issued?)null);
            }

            if (!TrustedIps.Allows(TrustedIps.Parse(ua.ClientSecretTrustedIps), clientIp))
                throw new ForbiddenException("You are not allowed to access this resource from the current IP address");

            var lockoutKey = $"{AuthMethods.UniversalAuth}:{ua.IdentityId}:{ua.ClientId}";
            var lockedUntil = ua.LockoutEnabled ? lockoutRow : null;
            if (lockedUntil > now) return (Outcome.Locked, null);

            ClientSecretRow? match = null;
            var candidates = await UniversalAuthStore.FindByPrefixAsync(conn, tx, ua.Id, Prefix(clientSecret));
            foreach (var candidate in candidates)
                if (Verify(clientSecret, candidate.ClientSecretHash)) match = candidate;
            // Four hex characters of prefix rarely collide; compare against the decoy when nothing shared the prefix, so a
            // known id with a wrong secret costs one comparison, like an unknown id.
            if (candidates.Count == 0) Verify(clientSecret, _decoyHash);

            // A secret that ran out of uses or time keeps saying so, instead of turning into "invalid credentials"
            // (and feeding the lockout) once it has been revoked for that reason.
            if (match is not null && match.IsClientSecretRevoked)
            {
                if (IsSpent(match)) return (Outcome.UsageLimit, null);
                if (IsExpired(match, now)) return (Outcome.Expired, null);
                match = null;
            }

            if (match is null)
            {
                if (ua.LockoutEnabled)
                    await LockoutStore.RecordFailureAsync(conn, tx, ua.IdentityId, AuthMethods.UniversalAuth, lockoutKey, now,
                        ua.LockoutCounterResetSeconds, ua.LockoutThreshold, ua.LockoutDurationSeconds);
                return (Outcome.InvalidCredentials, null);
            }

            if (IsExpired(match, now))
            {
                await UniversalAuthStore.RevokeSecretAsync(conn, tx, match.Id, now);
                return (Outcome.Expired, null);
            }

            if (!await UniversalAuthStore.TryUseSecretAsync(conn, tx, match.Id, now))
            {
                await UniversalAuthStore.RevokeSecretAsync(conn, tx, match.Id, now);
                return (Outcome.UsageLimit, null);
            }

            // Only a key with a lockout row has failures to forget: the common login skips the statement.
            if (lockedUntil is not null) await LockoutStore.ResetAsync(conn, tx, lockoutKey);
            var token = await issuer.CreateAsync(conn, tx, ua.IdentityId, AuthMethods.UniversalAuth,
                new TokenPolicy(ua.AccessTokenTtl, ua.AccessTokenMaxTtl, ua.AccessTokenNumUsesLimit, ua.AccessTokenPeriod),
                now, clientSecretId: match.Id);
            var orgId = await OrgStore.RecordIdentityLoginAsync(conn, tx, ua.IdentityId, AuthMethods.UniversalAuth, now);
            return (Outcome.Success, new Issued(token, orgId, ua.IdentityId, ua.Id, match.Id));
        });

        CofferMetrics.Logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        if (issued is not null)
        {
            auditBatcher.Enqueue(audit with
            {
                ActorType = "identity",
                ActorId = issued.IdentityId,
                ActorMetadata = new JsonObject { ["identityId"] = issued.IdentityId },
            }, new AuditEvent("login-identity-universal-auth", new JsonObject
            {
                ["clientSecretId"] = issued.ClientSecretId,
                ["identityId"] = issued.IdentityId,
                ["identityAccessTokenId"] = issued.Token.Row.Id,
                ["identityUniversalAuthId"] = issued.UniversalAuthId,
            }, issued.OrgId));
        }
        return outcome switch
        {
            Outcome.Success => new LoginResponse(issuer.Sign(issued!.Token).AccessToken, issued.Token.ExpiresIn, issued.Token.AccessTokenMaxTtl, "Bearer"),
            Outcome.Locked => throw new UnauthorizedException("This identity auth method is temporarily locked, please try again later"),
            Outcome.Expired => throw new UnauthorizedException("Access denied due to expired client secret"),
            Outcome.UsageLimit => throw new UnauthorizedException("Access denied due to client secret usage limit reached"),
            _ => throw new UnauthorizedException("Invalid credentials"),
        };
    }

    private bool Verify(string secret, string hash)
    {
        CofferMetrics.ClientSecretVerifications.Add(1);
        return hasher.Verify(secret, hash);
    }

    private static bool IsSpent(ClientSecretRow s) =>
        s.ClientSecretNumUsesLimit > 0 && s.ClientSecretNumUses >= s.ClientSecretNumUsesLimit;

    private static bool IsExpired(ClientSecretRow s, long now) =>
        s.ClientSecretTtl > 0 && now >= s.CreatedAt + (s.ClientSecretTtl * 1000);

    private static string Prefix(string secret) => secret.Length >= ClientSecretService.PrefixLength
        ? secret[..ClientSecretService.PrefixLength]
        : secret;
}
