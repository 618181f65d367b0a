using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Identities;

public sealed record CreateIdentityRequest(string Name, string OrganizationId, string Role, bool HasDeleteProtection,
    IReadOnlyList<(string Key, string Value)>? Metadata);

public sealed record UpdateIdentityRequest(string? Name, string? Role, bool? HasDeleteProtection,
    IReadOnlyList<(string Key, string Value)>? Metadata);

/// <summary>Machine identities in an organization: Infisical's identity service, with its checks in its order.</summary>
public sealed class IdentityService(Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, TimeProvider time)
{
    public async Task<CreatedIdentityDto> CreateAsync(Actor actor, AuditContext audit, CreateIdentityRequest request)
    {
        var access = await permissions.ForOrgAsync(actor, request.OrganizationId);
        access.Require(PermissionAction.Create, OrgSubject.Identity);
        var role = await permissions.ResolveOrgRoleAsync(request.OrganizationId, request.Role);
        if (role.Slug != OrgRoleSlugs.NoAccess)
            access.RequireCanGrant(OrgSubject.Identity, "Failed to create identity", role);

        var now = UnixMs.Now(time);
        var row = new IdentityRow
        {
            Id = Ids.New(),
            OrgId = request.OrganizationId,
            Name = request.Name,
            HasDeleteProtection = request.HasDeleteProtection,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var metadata = await db.WriteAsync(async (conn, tx) =>
        {
            await IdentityStore.InsertAsync(conn, tx, row);
            await OrgStore.InsertMembershipAsync(conn, tx, row.OrgId, null, row.Id, role.StoredRole, role.CustomRoleId, now);
            if (request.Metadata is { Count: > 0 })
                await IdentityStore.ReplaceMetadataAsync(conn, tx, row.Id, row.OrgId, request.Metadata, now);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("create-identity", new JsonObject { ["name"] = row.Name, ["identityId"] = row.Id }, row.OrgId), now);
            return await IdentityStore.ListMetadataAsync(conn, row.Id, tx);
        });
        return new CreatedIdentityDto(row.Id, row.Name, row.AuthMethod, UnixMs.ToUtc(row.CreatedAt), UnixMs.ToUtc(row.UpdatedAt),
            row.HasDeleteProtection, row.OrgId, row.ProjectId, [], metadata.Select(MetadataDto.From).ToList());
    }

    public async Task<IdentityDto> UpdateAsync(Actor actor, AuditContext audit, string identityId, UpdateIdentityRequest request)
    {
        var identity = await FindForActorAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        if (identity.ProjectId is not null) throw new BadRequestException("Identity is managed by project");
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update identity",
            request.Name is not null && request.Name != identity.Name ? request.Name : null, request.Metadata);

        OrgRoleRef? role = null;
        if (request.Role is not null)
        {
            role = await permissions.ResolveOrgRoleAsync(identity.OrgId, request.Role);
            if (role.Slug != OrgRoleSlugs.NoAccess)
                access.RequireCanGrant(OrgSubject.Identity, "Failed to update identity", role);
        }

        var now = UnixMs.Now(time);
        var name = request.Name ?? identity.Name;
        var protection = request.HasDeleteProtection ?? identity.HasDeleteProtection;
        await db.WriteAsync(async (conn, tx) =>
        {
            await IdentityStore.UpdateAsync(conn, tx, identity.Id, name, protection, now);
            if (role is not null)
                await IdentityStore.UpdateOrgRoleAsync(conn, tx, identity.Id, identity.OrgId, role.StoredRole, role.CustomRoleId, now);
            if (request.Metadata is not null)
                await IdentityStore.ReplaceMetadataAsync(conn, tx, identity.Id, identity.OrgId, request.Metadata, now);
            // A role, a name and metadata all decide what the identity may do (templates render the last two), so every
            // instance rebuilds its permissions on the next request.
            if (role is not null || name != identity.Name || request.Metadata is not null)
                await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("update-identity", new JsonObject { ["name"] = name, ["identityId"] = identity.Id }, identity.OrgId), now);
        });
        return IdentityDto.From(new IdentityRow
        {
            Id = identity.Id,
            OrgId = identity.OrgId,
            Name = name,
            AuthMethod = identity.AuthMethod,
            HasDeleteProtection = protection,
            ProjectId = identity.ProjectId,
            CreatedAt = identity.CreatedAt,
            UpdatedAt = now,
        });
    }

    public async Task<IdentityDto> DeleteAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await FindForActorAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Delete, OrgSubject.Identity);
        if (identity.ProjectId is not null) throw new BadRequestException("Identity is managed by project");
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to delete identity");
        if (identity.HasDeleteProtection) throw new BadRequestException("Identity has delete protection");

        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            // Foreign keys take its memberships, auth methods and every access token with it; the epoch bump makes
            // every instance drop cached tokens, so none of them works on the next request.
            await IdentityStore.DeleteAsync(conn, tx, identity.Id);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("delete-identity", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId), now);
        });
        return IdentityDto.From(identity);
    }

    public async Task<IdentityMembershipDto> GetAsync(Actor actor, string identityId)
    {
        var identity = await FindForActorAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Read, OrgSubject.Identity);
        var now = UnixMs.Now(time);
        return await db.ReadAsync(async conn =>
        {
            var membership = await IdentityStore.FindMembershipAsync(conn, identity.Id)
                ?? throw new NotFoundException($"Failed to find identity with id {identityId}");
            var metadata = await IdentityStore.ListMetadataAsync(conn, identity.Id);
            return (await ToMembershipDtosAsync(conn, [membership], now, metadata.Select(MetadataDto.From).ToList()))[0];
        });
    }

    public async Task<IdentityListResponse> ListAsync(Actor actor, string orgId, int offset, int limit, string? search, bool descending)
    {
        var access = await permissions.ForOrgAsync(actor, orgId);
        access.Require(PermissionAction.Read, OrgSubject.Identity);
        var now = UnixMs.Now(time);
        return await db.ReadAsync(async conn =>
        {
            var (rows, total) = await IdentityStore.ListMembershipsAsync(conn, orgId, offset, limit, search, descending);
            return new IdentityListResponse(await ToMembershipDtosAsync(conn, rows, now, null), total);
        });
    }

    private Task<IdentityRow> FindForActorAsync(Actor actor, string identityId) =>
        identities.FindAsync(actor, identityId, "Failed to find identity with id {0}");

    /// <summary>Org memberships with their identities' auth methods and lockouts, in two queries whatever the count.</summary>
    private static async Task<IReadOnlyList<IdentityMembershipDto>> ToMembershipDtosAsync(System.Data.Common.DbConnection conn,
        IReadOnlyList<IdentityOrgMembershipRow> rows, long now, IReadOnlyList<MetadataDto>? metadata)
    {
        var ids = rows.Select(r => r.IdentityId).ToList();
        var methods = await IdentityStore.AuthMethodsForAsync(conn, ids);
        var lockouts = await IdentityStore.ActiveLockoutMethodsForAsync(conn, ids, now);
        return rows.Select(m => new IdentityMembershipDto(m.Id, m.Role, m.RoleId, m.OrgId, UnixMs.ToUtc(m.CreatedAt), UnixMs.ToUtc(m.UpdatedAt),
            m.IdentityId, m.LastLoginAuthMethod, UnixMs.ToUtc(m.LastLoginTime), metadata,
            new IdentitySummaryDto(m.IdentityName, m.IdentityId, m.HasDeleteProtection, m.OrgId,
                methods[m.IdentityId].ToList(), lockouts[m.IdentityId].ToList()))).ToList();
    }
}
