using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.TokenAuth;

/// <summary>Token auth: the identity's tokens are minted directly by someone allowed to, no login involved.</summary>
public sealed class TokenAuthService(
    Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, TokenIssuer issuer, AuditBatcher auditBatcher,
    TimeProvider time)
{
    public async Task<TokenAuthDto> AttachAsync(Actor actor, AuditContext audit, string identityId, TokenSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Create, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to add token auth to identity");
        var now = UnixMs.Now(time);
        var row = new TokenAuthRow
        {
            Id = Ids.New(),
            IdentityId = identity.Id,
            AccessTokenTtl = s.AccessTokenTtl!.Value,
            AccessTokenMaxTtl = s.AccessTokenMaxTtl!.Value,
            AccessTokenNumUsesLimit = s.AccessTokenNumUsesLimit!.Value,
            AccessTokenPeriod = s.AccessTokenPeriod!.Value,
            AccessTokenTrustedIps = TrustedIps.Normalize(s.AccessTokenTrustedIps ?? new JsonArray("0.0.0.0/0", "::/0")).ToJsonString(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await TokenAuthStore.FindByIdentityAsync(conn, identity.Id, tx) is not null)
                throw new BadRequestException("Failed to add token auth to already configured identity");
            await TokenAuthStore.InsertAsync(conn, tx, row);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("add-identity-token-auth", identity.OrgId, identity.Id, row), now);
        });
        return TokenAuthDto.From(row);
    }

    public async Task<TokenAuthDto> UpdateAsync(Actor actor, AuditContext audit, string identityId, TokenSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update token auth");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await TokenAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have token auth");
            var ttl = s.AccessTokenTtl ?? current.AccessTokenTtl;
            var maxTtl = s.AccessTokenMaxTtl ?? current.AccessTokenMaxTtl;
            if (ttl > maxTtl) throw new BadRequestException("Access token TTL cannot be greater than max TTL");
            var row = new TokenAuthRow
            {
                Id = current.Id,
                IdentityId = current.IdentityId,
                AccessTokenTtl = ttl,
                AccessTokenMaxTtl = maxTtl,
                AccessTokenNumUsesLimit = s.AccessTokenNumUsesLimit ?? current.AccessTokenNumUsesLimit,
                AccessTokenPeriod = s.AccessTokenPeriod ?? current.AccessTokenPeriod,
                AccessTokenTrustedIps = s.AccessTokenTrustedIps is null ? current.AccessTokenTrustedIps : TrustedIps.Normalize(s.AccessTokenTrustedIps).ToJsonString(),
                CreatedAt = current.CreatedAt,
                UpdatedAt = now,
            };
            await TokenAuthStore.UpdateAsync(conn, tx, row);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("update-identity-token-auth", identity.OrgId, identity.Id, row), now);
            return TokenAuthDto.From(row);
        });
    }

    public async Task<TokenAuthDto> GetAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Read, OrgSubject.Identity);
        var row = await db.ReadAsync(async conn => await TokenAuthStore.FindByIdentityAsync(conn, identity.Id))
            ?? throw new BadRequestException("The identity does not have token auth");
        auditBatcher.Enqueue(audit, new AuditEvent("get-identity-token-auth", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId));
        return TokenAuthDto.From(row);
    }

    public async Task<TokenAuthDto> RevokeAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        access.Require(PermissionAction.RevokeAuth, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to revoke token auth");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await TokenAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have token auth");
            await TokenAuthStore.DeleteAsync(conn, tx, current.Id);
            await AccessTokenStore.RevokeByAuthMethodAsync(conn, tx, identity.Id, AuthMethods.TokenAuth, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("revoke-identity-token-auth", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId), now);
            return TokenAuthDto.From(current);
        });
    }

    public async Task<MintedTokenResponse> CreateTokenAsync(Actor actor, AuditContext audit, string identityId, string? name)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.CreateToken, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to create token");
        var now = UnixMs.Now(time);
        var issued = await db.WriteAsync(async (conn, tx) =>
        {
            var config = await TokenAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have token auth");
            var token = await issuer.CreateAsync(conn, tx, identity.Id, AuthMethods.TokenAuth,
                new TokenPolicy(config.AccessTokenTtl, config.AccessTokenMaxTtl, config.AccessTokenNumUsesLimit, config.AccessTokenPeriod),
                now, name: name);
            await OrgStore.RecordIdentityLoginAsync(conn, tx, identity.Id, AuthMethods.TokenAuth, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-token-identity-token-auth", new JsonObject
            {
                ["identityId"] = identity.Id,
                ["identityAccessTokenId"] = token.Row.Id,
            }, identity.OrgId), now);
            return token;
        });
        var signed = issuer.Sign(issued);
        return new MintedTokenResponse(signed.AccessToken, signed.ExpiresIn, signed.AccessTokenMaxTtl, "Bearer", AccessTokenDto.From(signed.Row));
    }

    public async Task<TokenListResponse> ListTokensAsync(Actor actor, AuditContext audit, string identityId, int offset, int limit)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.GetToken, OrgSubject.Identity);
        var rows = await db.ReadAsync(conn => TokenAuthStore.ListTokensAsync(conn, identity.Id, offset, limit));
        auditBatcher.Enqueue(audit, new AuditEvent("get-tokens-identity-token-auth", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId));
        return new TokenListResponse(rows.Select(AccessTokenDto.From).ToList());
    }

    public async Task<AccessTokenDto> GetTokenAsync(Actor actor, string tokenId)
    {
        var (row, identity) = await FindTokenAsync(actor, tokenId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.GetToken, OrgSubject.Identity);
        return AccessTokenDto.From(row);
    }

    public async Task<AccessTokenDto> RenameTokenAsync(Actor actor, AuditContext audit, string tokenId, string name)
    {
        var (row, identity) = await FindTokenAsync(actor, tokenId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update token");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            await TokenAuthStore.RenameTokenAsync(conn, tx, row.Id, name, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-token-identity-token-auth", new JsonObject
            {
                ["identityId"] = identity.Id,
                ["tokenId"] = row.Id,
                ["name"] = name,
            }, identity.OrgId), now);
            return AccessTokenDto.From((await AccessTokenStore.FindAsync(conn, row.Id, tx))!);
        });
    }

    public async Task RevokeTokenAsync(Actor actor, AuditContext audit, string tokenId)
    {
        var (row, identity) = await FindTokenAsync(actor, tokenId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.DeleteToken, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to revoke token");
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await AccessTokenStore.RevokeAsync(conn, tx, row.Id, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("revoke-token-identity-token-auth", new JsonObject
            {
                ["identityId"] = identity.Id,
                ["tokenId"] = row.Id,
            }, identity.OrgId), now);
        });
    }

    private async Task<(AccessTokenRow Row, IdentityRow Identity)> FindTokenAsync(Actor actor, string tokenId)
    {
        var row = await db.ReadAsync(conn => AccessTokenStore.FindAsync(conn, tokenId));
        if (row is null || row.AuthMethod != AuthMethods.TokenAuth || row.IsAccessTokenRevoked)
            throw new NotFoundException($"Token with ID {tokenId} not found");
        var identity = await identities.FindAsync(actor, row.IdentityId, $"Token with ID {tokenId} not found");
        return (row, identity);
    }

    private static AuditEvent Event(string type, string orgId, string identityId, TokenAuthRow row) => new(type, new JsonObject
    {
        ["identityId"] = identityId,
        ["accessTokenTTL"] = row.AccessTokenTtl,
        ["accessTokenMaxTTL"] = row.AccessTokenMaxTtl,
        ["accessTokenNumUsesLimit"] = row.AccessTokenNumUsesLimit,
    }, orgId);
}
