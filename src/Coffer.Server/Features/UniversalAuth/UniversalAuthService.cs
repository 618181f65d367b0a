using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.UniversalAuth;

public sealed record UniversalAuthSettings(
    TokenSettings Tokens,
    JsonArray? ClientSecretTrustedIps,
    LockoutSettings Lockout);

/// <summary>Attaching, changing and removing universal auth on an identity.</summary>
public sealed class UniversalAuthService(
    Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, AuditBatcher auditBatcher, TimeProvider time)
{
    public async Task<UniversalAuthDto> AttachAsync(Actor actor, AuditContext audit, string identityId, UniversalAuthSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Create, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to add universal auth to identity");
        var now = UnixMs.Now(time);
        var row = new UniversalAuthRow
        {
            Id = Ids.New(),
            IdentityId = identity.Id,
            ClientId = Guid.NewGuid().ToString(),
            AccessTokenTtl = s.Tokens.AccessTokenTtl!.Value,
            AccessTokenMaxTtl = s.Tokens.AccessTokenMaxTtl!.Value,
            AccessTokenNumUsesLimit = s.Tokens.AccessTokenNumUsesLimit!.Value,
            AccessTokenPeriod = s.Tokens.AccessTokenPeriod!.Value,
            ClientSecretTrustedIps = TrustedIps.Normalize(s.ClientSecretTrustedIps ?? DefaultIps()).ToJsonString(),
            AccessTokenTrustedIps = TrustedIps.Normalize(s.Tokens.AccessTokenTrustedIps ?? DefaultIps()).ToJsonString(),
            LockoutEnabled = s.Lockout.Enabled ?? LockoutSettings.DefaultEnabled,
            LockoutThreshold = s.Lockout.Threshold ?? LockoutSettings.DefaultThreshold,
            LockoutDurationSeconds = s.Lockout.DurationSeconds ?? LockoutSettings.DefaultDurationSeconds,
            LockoutCounterResetSeconds = s.Lockout.CounterResetSeconds ?? LockoutSettings.DefaultCounterResetSeconds,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx) is not null)
                throw new BadRequestException("Failed to add universal auth to already configured identity");
            await UniversalAuthStore.InsertAsync(conn, tx, row);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("add-identity-universal-auth", identity.OrgId, new JsonObject
            {
                ["identityId"] = identity.Id,
                ["accessTokenTTL"] = row.AccessTokenTtl,
                ["accessTokenMaxTTL"] = row.AccessTokenMaxTtl,
                ["accessTokenNumUsesLimit"] = row.AccessTokenNumUsesLimit,
            }), now);
        });
        return UniversalAuthDto.From(row);
    }

    public async Task<UniversalAuthDto> UpdateAsync(Actor actor, AuditContext audit, string identityId, UniversalAuthSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update universal auth");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have universal auth");
            var ttl = s.Tokens.AccessTokenTtl ?? current.AccessTokenTtl;
            var maxTtl = s.Tokens.AccessTokenMaxTtl ?? current.AccessTokenMaxTtl;
            if (ttl > maxTtl) throw new BadRequestException("Access token TTL cannot be greater than max TTL");
            var row = new UniversalAuthRow
            {
                Id = current.Id,
                IdentityId = current.IdentityId,
                ClientId = current.ClientId,
                AccessTokenTtl = ttl,
                AccessTokenMaxTtl = maxTtl,
                AccessTokenNumUsesLimit = s.Tokens.AccessTokenNumUsesLimit ?? current.AccessTokenNumUsesLimit,
                AccessTokenPeriod = s.Tokens.AccessTokenPeriod ?? current.AccessTokenPeriod,
                ClientSecretTrustedIps = s.ClientSecretTrustedIps is null ? current.ClientSecretTrustedIps : TrustedIps.Normalize(s.ClientSecretTrustedIps).ToJsonString(),
                AccessTokenTrustedIps = s.Tokens.AccessTokenTrustedIps is null ? current.AccessTokenTrustedIps : TrustedIps.Normalize(s.Tokens.AccessTokenTrustedIps).ToJsonString(),
                LockoutEnabled = s.Lockout.Enabled ?? current.LockoutEnabled,
                LockoutThreshold = s.Lockout.Threshold ?? current.LockoutThreshold,
                LockoutDurationSeconds = s.Lockout.DurationSeconds ?? current.LockoutDurationSeconds,
                LockoutCounterResetSeconds = s.Lockout.CounterResetSeconds ?? current.LockoutCounterResetSeconds,
                CreatedAt = current.CreatedAt,
                UpdatedAt = now,
            };
            await UniversalAuthStore.UpdateAsync(conn, tx, row);
            // Trusted IPs of issued tokens come from here: every instance must re-read them on the next request.
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("update-identity-universal-auth", identity.OrgId, new JsonObject
            {
                ["identityId"] = identity.Id,
                ["accessTokenTTL"] = row.AccessTokenTtl,
                ["accessTokenMaxTTL"] = row.AccessTokenMaxTtl,
                ["accessTokenNumUsesLimit"] = row.AccessTokenNumUsesLimit,
            }), now);
            return UniversalAuthDto.From(row);
        });
    }

    public async Task<UniversalAuthDto> GetAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Read, OrgSubject.Identity);
        var row = await db.ReadAsync(async conn => await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id))
            ?? throw new BadRequestException("The identity does not have universal auth");
        auditBatcher.Enqueue(audit, Event("get-identity-universal-auth", identity.OrgId, new JsonObject { ["identityId"] = identity.Id }));
        return UniversalAuthDto.From(row);
    }

    public async Task<UniversalAuthDto> RevokeAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        access.Require(PermissionAction.RevokeAuth, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to revoke universal auth");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have universal auth");
            await UniversalAuthStore.DeleteAsync(conn, tx, current.Id);
            await AccessTokenStore.RevokeByAuthMethodAsync(conn, tx, identity.Id, AuthMethods.UniversalAuth, now);
            await LockoutStore.ClearAsync(conn, tx, identity.Id, AuthMethods.UniversalAuth);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                Event("revoke-identity-universal-auth", identity.OrgId, new JsonObject { ["identityId"] = identity.Id }), now);
            return UniversalAuthDto.From(current);
        });
    }

    public async Task<int> ClearLockoutsAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to clear universal auth lockouts");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            if (await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx) is null)
                throw new BadRequestException("The identity does not have universal auth");
            var deleted = await LockoutStore.ClearAsync(conn, tx, identity.Id, AuthMethods.UniversalAuth);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                Event("clear-identity-universal-auth-lockouts", identity.OrgId, new JsonObject { ["identityId"] = identity.Id }), now);
            return deleted;
        });
    }

    private static JsonArray DefaultIps() => new("0.0.0.0/0", "::/0");

    private static AuditEvent Event(string type, string orgId, JsonObject metadata) => new(type, metadata, orgId);
}
