using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Features.TokenAuth;
using Coffer.Server.Features.Users;

namespace Coffer.Server.Features.Bootstrap;

/// <summary>
/// First-run set-up, as Infisical's <c>bootstrapInstance</c>: a super-admin user, an organization, and the
/// "Instance Admin Identity" (org admin, token auth) with a never-expiring token. Runs once per database.
/// </summary>
public sealed class BootstrapService(Db db, TokenIssuer issuer, PasswordWork passwordWork, TimeProvider time)
{
    public const string AdminIdentityName = "Instance Admin Identity";

    /// <summary>Whether first-run set-up has happened (the console offers it until then).</summary>
    public Task<bool> IsInitializedAsync() => db.ReadAsync(BootstrapStore.IsInitializedAsync);

    public async Task<BootstrapResponse> BootstrapAsync(BootstrapRequest request, AuditContext audit)
    {
        // Hash before taking the write lock: PBKDF2 is deliberately slow.
        var passwordHash = await passwordWork.RunAsync(() => PasswordHasher.Hash(request.Password));
        var now = UnixMs.Now(time);
        var (response, token) = await db.WriteAsync(async (conn, tx) =>
        {
            if (!await BootstrapStore.TryClaimAsync(conn, tx, now)) throw new BadRequestException("Instance has already been set up");
            var email = request.Email.Trim().ToLowerInvariant();
            if (await UserStore.ExistsAsync(conn, tx, email))
                throw new BadRequestException("User already exists", "Instance initialization");

            var userId = Ids.New();
            await UserStore.InsertSuperAdminAsync(conn, tx, userId, email, passwordHash, now);

            var org = await OrgStore.InsertAsync(conn, tx, request.Organization, now);
            await OrgStore.InsertMembershipAsync(conn, tx, org.Id, userId, null, "admin", null, now);

            var identity = new IdentityRow
            {
                Id = Ids.New(),
                OrgId = org.Id,
                Name = AdminIdentityName,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await IdentityStore.InsertAsync(conn, tx, identity);
            await OrgStore.InsertMembershipAsync(conn, tx, org.Id, null, identity.Id, "admin", null, now);
            await TokenAuthStore.InsertAsync(conn, tx, new TokenAuthRow
            {
                Id = Ids.New(),
                IdentityId = identity.Id,
                AccessTokenTtl = 0,
                AccessTokenMaxTtl = 0,
                AccessTokenNumUsesLimit = 0,
                AccessTokenPeriod = 0,
                AccessTokenTrustedIps = TrustedIps.NormalizeDefault().ToJsonString(),
                CreatedAt = now,
                UpdatedAt = now,
            });
            var token = await issuer.CreateAsync(conn, tx, identity.Id, AuthMethods.TokenAuth, new TokenPolicy(0, 0, 0, 0), now,
                name: "Instance Admin Token", subOrganizationId: org.Id);

            await BootstrapStore.SetAdminIdentitiesAsync(conn, tx, [identity.Id]);

            await AuditLogStore.WriteAsync(conn, tx, audit with { ActorType = "user", ActorId = userId, ActorMetadata = new JsonObject { ["userId"] = userId, ["email"] = email } },
                new AuditEvent("bootstrap-instance", new JsonObject { ["organizationId"] = org.Id, ["identityId"] = identity.Id }, org.Id), now);

            return (new BootstrapResponse(
                "Successfully bootstrapped instance",
                new BootstrapUser(email, "Admin", "User", email, userId, true),
                new BootstrapOrganization(org.Id, org.Name, org.Slug),
                new BootstrapIdentity(identity.Id, identity.Name, new BootstrapCredentials(""))), token);
        });
        return response with { Identity = response.Identity with { Credentials = new BootstrapCredentials(issuer.Sign(token).AccessToken) } };
    }
}
