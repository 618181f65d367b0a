using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coffer.Server.Configuration;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Features.OrgUserMemberships;
using Coffer.Server.Features.Users;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Invitations;

/// <summary>
/// Inviting people into an organization, as Infisical does when it sends no email: an unknown address becomes a user who
/// has not signed up, with an <c>invited</c> membership, and the inviter receives the sign-up link to pass on. The link
/// carries a one-time code (128 random bits, kept only as a keyed hash, valid three days, replaced by a newer one);
/// following it proves the address and gives a 15-minute sign-up token, with which the user sets a name and password.
/// </summary>
public sealed class InvitationService(Db db, PermissionService permissions, SecretHasher hasher, TokenSigner signer, PasswordWork passwordWork,
    UserService users, CofferOptions options, TimeProvider time)
{
    /// <summary>Infisical's lifetime for an organization invitation code (three days).</summary>
    public const long CodeLifetimeMs = 3 * 24 * 3600 * 1000L;

    /// <summary>Infisical's JWT_SIGNUP_LIFETIME default.</summary>
    public const long SignupTokenLifetimeSeconds = 15 * 60;

    private const string BoundaryPrefix = "Failed to invite user to the organization";

    /// <summary>
    /// Makes every name a member of the organization: existing members are left alone; anyone else is invited with
    /// <paramref name="roleSlug"/> (an unknown address becomes a user who has not signed up). Inviting needs
    /// <c>create</c> on <c>member</c> and, for a role other than <c>no-access</c>, the privilege boundary.
    /// </summary>
    public async Task<IReadOnlyList<InviteLink>> InviteAsync(Actor actor, AuditContext audit, string orgId, IReadOnlyList<string> names, string roleSlug)
    {
        var wanted = names.Select(n => n.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var pending = await db.ReadAsync(async conn =>
        {
            var known = await InvitationStore.FindUsersAsync(conn, wanted);
            var members = known.Count == 0 ? [] : await InvitationStore.OrgMemberUserIdsAsync(conn, orgId, [.. known.Select(u => u.Id)]);
            return wanted.Where(n => known.FirstOrDefault(u => u.Username == n) is not { } u || !members.Contains(u.Id)).ToList();
        });
        if (pending.Count == 0) return [];

        var access = await permissions.ForOrgAsync(actor, orgId);
        access.Require(PermissionAction.Create, OrgSubject.Member);
        var role = await permissions.ResolveOrgRoleAsync(orgId, roleSlug);
        if (role.Slug != OrgRoleSlugs.NoAccess) access.RequireCanGrant(OrgSubject.Member, BoundaryPrefix, role);
        var invalid = pending.Where(n => !EmailAddress.IsValid(n)).ToList();
        if (invalid.Count > 0) throw new BadRequestException($"Invalid emails: {string.Join(", ", invalid)}");

        var codes = pending.ToDictionary(n => n, _ => NewCode(), StringComparer.Ordinal);
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            var known = await InvitationStore.FindUsersAsync(conn, pending, tx);
            foreach (var email in pending)
            {
                var userId = known.FirstOrDefault(u => u.Username == email)?.Id;
                if (userId is null)
                {
                    userId = Ids.New();
                    await InvitationStore.InsertInvitedUserAsync(conn, tx, userId, email, now);
                }
                // A concurrent invitation may have made them a member meanwhile; the unique key keeps one membership.
                if ((await InvitationStore.OrgMemberUserIdsAsync(conn, orgId, [userId], tx)).Count == 0)
                    await OrgStore.InsertMembershipAsync(conn, tx, orgId, userId, null, role.StoredRole, role.CustomRoleId, now, OrgStore.Invited);
                await InvitationStore.ReplaceCodeAsync(conn, tx, userId, orgId, hasher.Hash(codes[email]), now + CodeLifetimeMs, now);
            }
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("invite-organization-members", new JsonObject
            {
                ["emails"] = new JsonArray([.. pending.Select(e => (JsonNode)e)]),
                ["role"] = role.Slug,
            }, orgId), now);
        });
        return [.. pending.Select(e => new InviteLink(e, Link(codes[e], e, orgId)))];
    }

    /// <summary>A fresh link for someone who has not accepted yet; the old one stops working.</summary>
    public async Task<InviteLink> ResendAsync(Actor actor, string orgId, string membershipId)
    {
        var access = await permissions.ForOrgAsync(actor, orgId);
        access.Require(PermissionAction.Create, OrgSubject.Member);
        var membership = await db.ReadAsync(conn => OrgUserMembershipStore.FindAsync(conn, orgId, membershipId))
            ?? throw new NotFoundException($"Organization membership with ID '{membershipId}' not found");
        if (membership.Status != OrgStore.Invited) throw new BadRequestException("The user has already accepted the invitation");
        var code = NewCode();
        var now = UnixMs.Now(time);
        await db.WriteAsync((conn, tx) => InvitationStore.ReplaceCodeAsync(conn, tx, membership.UserId, orgId, hasher.Hash(code), now + CodeLifetimeMs, now));
        var email = membership.Email ?? membership.Username;
        return new InviteLink(email, Link(code, email, orgId));
    }

    /// <summary>
    /// Step one of accepting: the code from the link. A user who already has an account joins the organization now; a
    /// new one gets the sign-up token for <see cref="CompleteAsync"/>. The code works once.
    /// </summary>
    public async Task<VerifyInviteResponse> VerifyAsync(string email, string orgId, string code)
    {
        var username = email.Trim().ToLowerInvariant();
        // One answer whether the address is unknown or merely not invited, so the route does not tell who has an account.
        var (user, stored) = await db.ReadAsync(async conn =>
        {
            var user = await InvitationStore.FindUserAsync(conn, username);
            if (user is null || !await InvitationStore.IsInvitedAsync(conn, orgId, user.Id)) throw new NotFoundException("No pending invitation found");
            return (user, await InvitationStore.FindCodeAsync(conn, user.Id, orgId));
        });
        var now = UnixMs.Now(time);
        if (stored is null || !hasher.Verify(code, stored.CodeHash)) throw new BadRequestException("Invalid invitation code");
        if (stored.ExpiresAt <= now) throw new BadRequestException("The invitation code has expired, ask for a new invitation");

        var verified = await db.WriteAsync(async (conn, tx) =>
        {
            if (!await InvitationStore.DeleteCodeAsync(conn, tx, user.Id, orgId, stored.CodeHash)) return null;
            await InvitationStore.MarkEmailVerifiedAsync(conn, tx, user.Id, now);
            if (user.IsAccepted) await InvitationStore.AcceptMembershipAsync(conn, tx, orgId, user.Id, now);
            return await InvitationStore.FindUserAsync(conn, username, tx);
        }) ?? throw new BadRequestException("Invalid invitation code");

        string? token = null;
        if (!verified.IsAccepted)
        {
            var iat = signer.NowUnixSeconds();
            token = signer.Sign(new SignupTokenClaims { UserId = verified.Id, Iat = iat, Exp = iat + SignupTokenLifetimeSeconds },
                InvitationJsonContext.Default.SignupTokenClaims);
        }
        return new VerifyInviteResponse("Successfully verified email", token, UserDto.From(verified));
    }

    /// <summary>Step two for a new user: the sign-up token, a name and a password; the account is then signed in.</summary>
    public async Task<CompleteInviteResponse> CompleteAsync(string? signupToken, string email, string password, string firstName, string? lastName,
        IPAddress ip, string? userAgent, AuditContext audit)
    {
        if (string.IsNullOrEmpty(signupToken)) throw new UnauthorizedException("Invalid authorization request");
        var verified = signer.VerifyAny(signupToken);
        if (verified.AuthTokenType != SignupTokenClaims.SignupTokenType) throw new UnauthorizedException("Invalid authorization request");
        var claims = verified.Deserialize(InvitationJsonContext.Default.SignupTokenClaims);

        var username = email.Trim().ToLowerInvariant();
        var user = await db.ReadAsync(conn => InvitationStore.FindUserAsync(conn, username));
        if (user is null || user.IsAccepted) throw new BadRequestException("Failed to complete account for complete user");
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(user.Id), System.Text.Encoding.UTF8.GetBytes(claims.UserId)))
            throw new UnauthorizedException("Invalid authorization request");

        var hash = await passwordWork.RunAsync(() => PasswordHasher.Hash(password));
        var now = UnixMs.Now(time);
        var completed = await db.WriteAsync(async (conn, tx) =>
        {
            if (!await InvitationStore.CompleteUserAsync(conn, tx, user.Id, firstName, lastName, hash, now)) return null;
            await InvitationStore.AcceptAllMembershipsAsync(conn, tx, user.Id, now);
            var orgId = await UserStore.FirstOrgIdAsync(conn, tx, user.Id);
            await AuditLogStore.WriteAsync(conn, tx,
                audit with { ActorType = "user", ActorId = user.Id, ActorMetadata = new JsonObject { ["userId"] = user.Id, ["email"] = username } },
                new AuditEvent("complete-account-invite", new JsonObject { ["userId"] = user.Id }, orgId), now);
            return await InvitationStore.FindUserAsync(conn, username, tx);
        }) ?? throw new BadRequestException("Failed to complete account for complete user");

        var token = await users.OpenSessionAsync(completed.Id, ip, userAgent);
        return new CompleteInviteResponse("Successfully set up account", UserDto.From(completed), token);
    }

    private static string NewCode() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private string Link(string code, string email, string orgId) =>
        $"{options.SiteUrl.TrimEnd('/')}/signupinvite?token={code}&to={Uri.EscapeDataString(email)}&organization_id={orgId}";
}
