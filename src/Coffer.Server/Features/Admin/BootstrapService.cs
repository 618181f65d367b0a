using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Features.TokenAuth;
using Dapper;

namespace Coffer.Server.Features.Admin;

public sealed record BootstrapRequest(string Email, string Password, string Organization);

/// <summary>
/// First-run set-up, as Infisical's <c>bootstrapInstance</c>: a super-admin user, an organization, and the
/// "Instance Admin Identity" (org admin, token auth) with a never-expiring token. Runs once per database.
/// </summary>
public sealed class BootstrapService(Db db, TokenIssuer issuer, Users.PasswordWork passwordWork, TimeProvider time)
{
    public const string AdminIdentityName = "Instance Admin Identity";

    public async Task<BootstrapResponse> BootstrapAsync(BootstrapRequest request, AuditContext audit)
    {
        // Hash before taking the write lock: PBKDF2 is deliberately slow.
        var passwordHash = await passwordWork.RunAsync(() => PasswordHasher.Hash(request.Password));
        var now = UnixMs.Now(time);
        var (response, token) = await db.WriteAsync(async (conn, tx) =>
        {
            // Claiming the config row first is the lock: a concurrent bootstrap waits on it, then finds it taken.
            var claimed = await conn.ExecuteAsync(
                """
                INSERT INTO server_config (id, initialized, admin_identity_ids, created_at, updated_at)
                VALUES ('singleton', TRUE, '[]', @now, @now)
                ON CONFLICT (id) DO UPDATE SET initialized = TRUE, updated_at = @now WHERE server_config.initialized = FALSE
                """, new { now }, tx);
            if (claimed == 0) throw new BadRequestException("Instance has already been set up");
            var email = request.Email.Trim().ToLowerInvariant();
            if (await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE username = @email", new { email }, tx) > 0)
                throw new BadRequestException("User already exists", "Instance initialization");

            var userId = Ids.New();
            await conn.ExecuteAsync(
                """
                INSERT INTO users (id, email, username, first_name, last_name, password_hash, super_admin, is_accepted,
                                   is_email_verified, auth_methods, created_at, updated_at)
                VALUES (@userId, @email, @email, 'Admin', 'User', @passwordHash, TRUE, TRUE, TRUE, '["email"]', @now, @now)
                """, new { userId, email, passwordHash, now }, tx);

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

            await conn.ExecuteAsync("UPDATE server_config SET admin_identity_ids = @ids WHERE id = 'singleton'",
                new { ids = JsonSerializer.Serialize(new[] { identity.Id }) }, tx);

            await AuditLog.WriteAsync(conn, tx, audit with { ActorType = "user", ActorId = userId, ActorMetadata = new JsonObject { ["userId"] = userId, ["email"] = email } },
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

public sealed record BootstrapResponse(string Message, BootstrapUser User, BootstrapOrganization Organization, BootstrapIdentity Identity);

public sealed record BootstrapUser(string Username, string FirstName, string LastName, string Email, string Id, bool SuperAdmin);

public sealed record BootstrapOrganization(string Id, string Name, string Slug);

public sealed record BootstrapIdentity(string Id, string Name, BootstrapCredentials Credentials);

public sealed record BootstrapCredentials(string Token);
