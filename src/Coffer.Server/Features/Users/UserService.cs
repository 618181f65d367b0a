using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.Users;

/// <summary>
/// Users sign in with their password (Infisical's non-SRP <c>/api/v3/auth/login</c>), pick an organization, and get a
/// token tied to a session row, so logging out takes effect on the next request on every instance.
/// </summary>
public sealed class UserService(Db db, TokenSigner signer, PasswordWork passwordWork, TimeProvider time)
{
    /// <summary>Infisical's JWT_AUTH_LIFETIME default.</summary>
    public const long TokenLifetimeSeconds = 10 * 24 * 3600;

    private readonly ConcurrentDictionary<string, (long Epoch, UserSessionRow? State)> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Per-account lockout: this many failures within <see cref="LockoutWindowSeconds"/> lock the account for
    /// <see cref="LockoutSeconds"/>, during which even the right password is refused. The counters live in the database,
    /// so every instance counts together; the lock ends on its own.
    /// </summary>
    public const int LockoutThreshold = 5;
    public const long LockoutWindowSeconds = 900;
    public const long LockoutSeconds = 900;

    public const string LockedMessage = "This account is temporarily locked after repeated failed sign-ins, please try again later";

    public async Task<string> LoginAsync(string email, string password, IPAddress ip, string? userAgent, AuditContext audit)
    {
        var (userId, sessionId) = await OpenPasswordSessionAsync(email, password, ip, userAgent, audit);
        return Sign(userId, sessionId, null);
    }

    /// <summary>
    /// Checks the password (with the account lockout) and opens a session row. Every password sign-in goes through here,
    /// the API's and the console's, so both count towards the same lockout.
    /// </summary>
    private async Task<(string UserId, string SessionId)> OpenPasswordSessionAsync(string email, string password, IPAddress ip,
        string? userAgent, AuditContext audit)
    {
        var username = email.Trim().ToLowerInvariant();
        var user = await db.ReadAsync(conn => UserStore.FindForLoginAsync(conn, username));
        var now = UnixMs.Now(time);
        // A locked account refuses even the right password, until the lock ends on its own.
        if (user?.LockedUntil > now) throw new UnauthorizedException(LockedMessage);
        // Hash even for unknown users, so the answer time does not tell which addresses have accounts.
        var valid = await passwordWork.RunAsync(() => PasswordHasher.Verify(password, user?.PasswordHash ?? DecoyHash.Value));
        if (user is null) throw new UnauthorizedException("Invalid credentials");
        var userId = user.Id;
        if (!valid)
        {
            await db.WriteAsync(async (conn, tx) =>
            {
                if (!await UserStore.RecordFailureAsync(conn, tx, userId, now, LockoutThreshold, LockoutWindowSeconds, LockoutSeconds)) return;
                // Recorded in the account's organization, where its admins read the audit trail.
                var orgId = await UserStore.FirstOrgIdAsync(conn, tx, userId);
                await AuditLogStore.WriteAsync(conn, tx,
                    audit with { ActorType = "user", ActorId = userId, ActorMetadata = new JsonObject { ["userId"] = userId, ["email"] = username } },
                    new AuditEvent("user-login-locked", new JsonObject
                    {
                        ["userId"] = userId,
                        ["failedAttempts"] = LockoutThreshold,
                        ["lockedForSeconds"] = LockoutSeconds,
                    }, orgId), now);
            });
            throw new UnauthorizedException("Invalid credentials");
        }

        var sessionId = Ids.New();
        await db.WriteAsync(async (conn, tx) =>
        {
            // A success forgets earlier failures (user sign-ins are rare enough for the extra statement).
            await UserStore.ResetLockoutAsync(conn, tx, userId);
            await UserStore.InsertSessionAsync(conn, tx, sessionId, userId, ip.ToString(), userAgent, now);
        });
        return (userId, sessionId);
    }

    /// <summary>A console session ends this long after its last page, or this long after sign-in, whichever is first.</summary>
    public static readonly TimeSpan ConsoleIdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan ConsoleAbsoluteTimeout = TimeSpan.FromHours(12);

    /// <summary>A session's last use is written at most this often, so reading pages does not turn into a write per page.</summary>
    private const long ConsoleTouchIntervalMs = 60_000;

    /// <summary>
    /// Signs a person in to the console: the same password check and lockout as the API, a session row, and a cookie
    /// value that names it. The value is a signed token of its own type, which the API does not accept as a bearer token.
    /// </summary>
    public async Task<string> ConsoleSignInAsync(string email, string password, IPAddress ip, string? userAgent, AuditContext audit)
    {
        var (userId, sessionId) = await OpenPasswordSessionAsync(email, password, ip, userAgent, audit);
        var orgId = await db.ReadAsync(conn => UserStore.FirstActiveOrgIdAsync(conn, userId));
        var now = signer.NowUnixSeconds();
        return signer.Sign(new UserTokenClaims
        {
            AuthTokenType = UserTokenClaims.ConsoleSessionType,
            UserId = userId,
            TokenVersionId = sessionId,
            OrganizationId = orgId,
            Iat = now,
            Exp = now + (long)ConsoleAbsoluteTimeout.TotalSeconds,
        }, UserJsonContext.Default.UserTokenClaims);
    }

    /// <summary>
    /// The person a console cookie stands for, or null when it is not a live console session: bad signature, past its
    /// absolute or idle expiry, signed out. Reads the session row on every page (console traffic is light), so a sign-out
    /// on one instance ends the session on every instance at the next page.
    /// </summary>
    public async Task<Actor?> AuthenticateConsoleAsync(string cookieValue)
    {
        UserTokenClaims claims;
        try
        {
            var verified = signer.VerifyAny(cookieValue);
            if (verified.AuthTokenType != UserTokenClaims.ConsoleSessionType) return null;
            claims = verified.Deserialize(UserJsonContext.Default.UserTokenClaims);
        }
        catch (ApiException)
        {
            return null;
        }
        var epoch = await db.ReadSecurityEpochAsync();
        var session = await db.ReadAsync(conn => UserStore.FindConsoleSessionAsync(conn, claims.TokenVersionId));
        if (session is null || session.UserId != claims.UserId || session.AccessVersion != claims.AccessVersion) return null;
        var now = UnixMs.Now(time);
        if (now - session.CreatedAt >= (long)ConsoleAbsoluteTimeout.TotalMilliseconds) return null;
        if (now - session.LastUsed >= (long)ConsoleIdleTimeout.TotalMilliseconds)
        {
            await db.WriteAsync((conn, tx) => UserStore.RevokeSessionAsync(conn, tx, claims.TokenVersionId, now));
            return null;
        }
        if (now - session.LastUsed >= ConsoleTouchIntervalMs)
            await db.WriteAsync((conn, tx) => UserStore.TouchSessionAsync(conn, tx, claims.TokenVersionId, now));
        return new Actor(ActorType.User, session.UserId, claims.OrganizationId ?? "", session.Username, "email", claims.TokenVersionId, null, epoch);
    }

    /// <summary>A session for a user who has just proven who they are another way (completing an invitation).</summary>
    public async Task<string> OpenSessionAsync(string userId, IPAddress ip, string? userAgent)
    {
        var sessionId = Ids.New();
        var now = UnixMs.Now(time);
        await db.WriteAsync((conn, tx) => UserStore.InsertSessionAsync(conn, tx, sessionId, userId, ip.ToString(), userAgent, now));
        return Sign(userId, sessionId, null);
    }

    /// <summary>A token for the same session, scoped to an organization the user belongs to.</summary>
    public async Task<string> SelectOrganizationAsync(Actor actor, string organizationId)
    {
        if (actor.Type != ActorType.User || actor.TokenId is null) throw new ForbiddenException("Only a signed-in user can select an organization");
        if (!await db.ReadAsync(conn => UserStore.IsActiveOrgMemberAsync(conn, actor.Id, organizationId)))
            throw new ForbiddenException("User does not belong to the organization", "ForbiddenError");
        return Sign(actor.Id, actor.TokenId, organizationId);
    }

    public Task LogoutAsync(Actor actor) =>
        db.WriteAsync(async (conn, tx) =>
        {
            await UserStore.RevokeSessionAsync(conn, tx, actor.TokenId, UnixMs.Now(time));
            await SecurityEpoch.BumpAsync(conn, tx);
        });

    /// <summary>The actor a verified user token stands for; the session must still exist and be live.</summary>
    /// <param name="projectHint">The project a read names, whose content version is read with the security epoch.</param>
    public async Task<Actor> AuthenticateAsync(VerifiedJwt verified, string? projectHint = null)
    {
        var claims = verified.Deserialize(UserJsonContext.Default.UserTokenClaims);
        // The epoch is read before the state it tags, so a cached state is never newer than its epoch says.
        var (epoch, hint) = await db.ReadCountersAsync(projectHint);
        if (!_cache.TryGetValue(claims.TokenVersionId, out var cached) || cached.Epoch != epoch)
        {
            var loaded = await db.ReadAsync(conn => UserStore.FindLiveSessionAsync(conn, claims.TokenVersionId));
            if (_cache.Count > 20_000) _cache.Clear();
            cached = (epoch, loaded);
            _cache[claims.TokenVersionId] = cached;
        }
        var state = cached.State;
        if (state is null || state.UserId != claims.UserId) throw new TokenException("Session not found");
        if (state.AccessVersion != claims.AccessVersion) throw new TokenException("User session is stale, please re-authenticate");
        return new Actor(ActorType.User, state.UserId, claims.OrganizationId ?? "", state.Username, "email", claims.TokenVersionId, null, epoch)
        {
            ContentVersionHint = hint,
        };
    }

    private string Sign(string userId, string sessionId, string? organizationId)
    {
        var now = signer.NowUnixSeconds();
        return signer.Sign(new UserTokenClaims
        {
            UserId = userId,
            TokenVersionId = sessionId,
            OrganizationId = organizationId,
            Iat = now,
            Exp = now + TokenLifetimeSeconds,
        }, UserJsonContext.Default.UserTokenClaims);
    }

    private static readonly Lazy<string> DecoyHash = new(() => PasswordHasher.Hash(RandomSecrets.Hex(16)));
}
