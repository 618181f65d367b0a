using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.UniversalAuth;

public sealed record CreateClientSecretRequest(string Description, long NumUsesLimit, long Ttl);

/// <summary>
/// Client secrets of universal auth. The secret is 32 random bytes shown once as 64 hex characters; the server keeps
/// only an HMAC of it and its first four characters, which narrow the comparison at login.
/// </summary>
public sealed class ClientSecretService(
    Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, SecretHasher hasher, AuditBatcher auditBatcher,
    TimeProvider time)
{
    public const int PrefixLength = 4;

    public async Task<CreatedClientSecretResponse> CreateAsync(Actor actor, AuditContext audit, string identityId, CreateClientSecretRequest request)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.CreateToken, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to create client secret");
        var secret = RandomSecrets.Hex(32);
        var now = UnixMs.Now(time);
        var row = await db.WriteAsync(async (conn, tx) =>
        {
            var ua = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have universal auth");
            var row = new ClientSecretRow
            {
                Id = Ids.New(),
                IdentityUaId = ua.Id,
                Description = request.Description,
                ClientSecretPrefix = secret[..PrefixLength],
                ClientSecretHash = hasher.Hash(secret),
                ClientSecretNumUsesLimit = request.NumUsesLimit,
                ClientSecretTtl = request.Ttl,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await UniversalAuthStore.InsertSecretAsync(conn, tx, row);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-identity-universal-auth-client-secret",
                new JsonObject { ["identityId"] = identity.Id, ["clientSecretId"] = row.Id }, identity.OrgId), now);
            return row;
        });
        return new CreatedClientSecretResponse(secret, ClientSecretDto.From(row));
    }

    public async Task<ClientSecretListResponse> ListAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.GetToken, OrgSubject.Identity);
        var rows = await db.ReadAsync(async conn =>
        {
            var ua = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id)
                ?? throw new BadRequestException("The identity does not have universal auth");
            return await UniversalAuthStore.ListActiveSecretsAsync(conn, ua.Id);
        });
        auditBatcher.Enqueue(audit, new AuditEvent("get-identity-universal-auth-client-secret",
            new JsonObject { ["identityId"] = identity.Id }, identity.OrgId));
        return new ClientSecretListResponse(rows.Select(ClientSecretDto.From).ToList());
    }

    public async Task<ClientSecretDto> GetAsync(Actor actor, AuditContext audit, string identityId, string clientSecretId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.GetToken, OrgSubject.Identity);
        var row = await db.ReadAsync(async conn =>
        {
            var ua = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id)
                ?? throw new BadRequestException("The identity does not have universal auth");
            return await UniversalAuthStore.FindSecretAsync(conn, ua.Id, clientSecretId)
                ?? throw new NotFoundException($"Failed to find client secret with ID {clientSecretId}");
        });
        auditBatcher.Enqueue(audit, new AuditEvent("get-identity-universal-auth-client-secret-by-id",
            new JsonObject { ["identityId"] = identity.Id, ["clientSecretId"] = row.Id }, identity.OrgId));
        return ClientSecretDto.From(row);
    }

    public async Task<ClientSecretDto> RevokeAsync(Actor actor, AuditContext audit, string identityId, string clientSecretId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.DeleteToken, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to revoke client secret");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var ua = await UniversalAuthStore.FindByIdentityAsync(conn, identity.Id, tx)
                ?? throw new BadRequestException("The identity does not have universal auth");
            var row = await UniversalAuthStore.FindSecretAsync(conn, ua.Id, clientSecretId, tx)
                ?? throw new NotFoundException($"Failed to find client secret with ID {clientSecretId}");
            await UniversalAuthStore.RevokeSecretAsync(conn, tx, row.Id, now);
            // Unlike Infisical, the tokens minted from the secret die with it (decided in docs/compatibility.md); the
            // epoch bump drops them from every instance's token cache, so they fail on their next request.
            await AccessTokenStore.RevokeByClientSecretAsync(conn, tx, row.Id, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("revoke-identity-universal-auth-client-secret",
                new JsonObject { ["identityId"] = identity.Id, ["clientSecretId"] = row.Id }, identity.OrgId), now);
            return ClientSecretDto.From(await UniversalAuthStore.FindSecretAsync(conn, ua.Id, row.Id, tx) ?? row);
        });
    }
}
