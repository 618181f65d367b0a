using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Identities;

/// <summary>
/// Identities that belong to one project (Terraform's <c>infisical_project_scoped_identity</c>): managed with the
/// project's <c>identity</c> permissions, a member of the project from birth with no access until a role is given, and
/// gone with the project. Changing or deleting one passes the same privilege boundary as any identity.
/// </summary>
public sealed class ProjectIdentityService(Db db, PermissionService permissions, IdentityBoundary boundary, TimeProvider time)
{
    public async Task<ProjectIdentityDto> CreateAsync(Actor actor, AuditContext audit, string projectId, string name, bool hasDeleteProtection,
        IReadOnlyList<(string Key, string Value)>? metadata)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Identity);
        var now = UnixMs.Now(time);
        var row = new IdentityRow
        {
            Id = Ids.New(),
            OrgId = access.Project.OrgId,
            Name = name,
            HasDeleteProtection = hasDeleteProtection,
            ProjectId = projectId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await db.WriteAsync(async (conn, tx) =>
        {
            await IdentityStore.InsertAsync(conn, tx, row);
            // In the organization to authenticate, with no organization rights; in the project with none either.
            await OrgStore.InsertMembershipAsync(conn, tx, row.OrgId, null, row.Id, OrgRoleSlugs.NoAccess, null, now);
            var membershipId = Ids.New();
            await ProjectStore.TryInsertMembershipAsync(conn, tx, membershipId, projectId, row.Id, null, now);
            await ProjectStore.InsertPermanentRoleAsync(conn, tx, membershipId, ProjectRoles.NoAccess, null, now);
            if (metadata is { Count: > 0 })
                await IdentityStore.ReplaceMetadataAsync(conn, tx, row.Id, row.OrgId, metadata, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-identity",
                new JsonObject { ["identityId"] = row.Id, ["name"] = row.Name, ["hasDeleteProtection"] = row.HasDeleteProtection }, row.OrgId, projectId), now);
            return await DtoAsync(conn, row, tx);
        });
    }

    public async Task<ProjectIdentityDto> UpdateAsync(Actor actor, AuditContext audit, string projectId, string identityId, string? name,
        bool? hasDeleteProtection, IReadOnlyList<(string Key, string Value)>? metadata)
    {
        var (access, identity) = await FindAsync(actor, projectId, identityId, PermissionAction.Edit);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update identity",
            name is not null && name != identity.Name ? name : null, metadata);
        var now = UnixMs.Now(time);
        var updated = new IdentityRow
        {
            Id = identity.Id,
            OrgId = identity.OrgId,
            Name = name ?? identity.Name,
            AuthMethod = identity.AuthMethod,
            HasDeleteProtection = hasDeleteProtection ?? identity.HasDeleteProtection,
            ProjectId = identity.ProjectId,
            CreatedAt = identity.CreatedAt,
            UpdatedAt = now,
        };
        return await db.WriteAsync(async (conn, tx) =>
        {
            await IdentityStore.UpdateAsync(conn, tx, updated.Id, updated.Name, updated.HasDeleteProtection, now);
            if (metadata is not null)
                await IdentityStore.ReplaceMetadataAsync(conn, tx, identity.Id, identity.OrgId, metadata, now);
            // Names and metadata render into permission templates.
            if (updated.Name != identity.Name || metadata is not null)
                await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-identity",
                new JsonObject { ["identityId"] = identity.Id, ["name"] = updated.Name }, identity.OrgId, access.Project.Id), now);
            return await DtoAsync(conn, updated, tx);
        });
    }

    public async Task<ProjectIdentityDto> DeleteAsync(Actor actor, AuditContext audit, string projectId, string identityId)
    {
        var (access, identity) = await FindAsync(actor, projectId, identityId, PermissionAction.Delete);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to delete identity");
        if (identity.HasDeleteProtection) throw new BadRequestException("Identity has delete protection");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var dto = await DtoAsync(conn, identity, tx);
            // Foreign keys take its memberships, auth methods and tokens; the epoch makes every instance drop them.
            await IdentityStore.DeleteAsync(conn, tx, identity.Id);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-identity",
                new JsonObject { ["identityId"] = identity.Id }, identity.OrgId, access.Project.Id), now);
            return dto;
        });
    }

    public async Task<ProjectIdentityDto> GetAsync(Actor actor, string projectId, string identityId)
    {
        var (_, identity) = await FindAsync(actor, projectId, identityId, PermissionAction.Read);
        return await db.ReadAsync(conn => DtoAsync(conn, identity));
    }

    public async Task<ProjectIdentityList> ListAsync(Actor actor, string projectId, int offset, int limit, string? search)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity);
        return await db.ReadAsync(async conn =>
        {
            var (rows, total) = await IdentityStore.ListInProjectAsync(conn, projectId, offset, limit, search);
            var ids = rows.Select(r => r.Id).ToList();
            var methods = await IdentityStore.AuthMethodsForAsync(conn, ids);
            var metadata = await IdentityStore.ListMetadataForAsync(conn, ids);
            return new ProjectIdentityList([.. rows.Select(row => Dto(row, [.. methods[row.Id]], [.. metadata[row.Id]]))], total);
        });
    }

    /// <summary>Permission on the project first (an identity id alone reveals nothing), then the identity in that project.</summary>
    private async Task<(ProjectAccess Access, IdentityRow Identity)> FindAsync(Actor actor, string projectId, string identityId, string action)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(action, ProjectSubject.Identity, SubjectFields.Identity(identityId));
        var identity = await db.ReadAsync(conn => IdentityStore.FindInProjectAsync(conn, identityId, projectId))
            ?? throw new NotFoundException($"Identity with ID '{identityId}' not found in project with ID '{projectId}'");
        return (access, identity);
    }

    private static async Task<ProjectIdentityDto> DtoAsync(DbConnection conn, IdentityRow row, DbTransaction? tx = null) =>
        Dto(row, await IdentityStore.AuthMethodsAsync(conn, row.Id, tx), await IdentityStore.ListMetadataAsync(conn, row.Id, tx));

    private static ProjectIdentityDto Dto(IdentityRow row, IReadOnlyList<string> methods, IReadOnlyList<IdentityMetadataRow> metadata) =>
        new(row.Id, row.Name, row.OrgId, row.ProjectId, UnixMs.ToUtc(row.CreatedAt), UnixMs.ToUtc(row.UpdatedAt), row.HasDeleteProtection,
            methods, [.. metadata.Select(MetadataDto.From)]);
}
