using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Environments;

/// <summary>A project's environments. Each has a root folder; deleting one deletes its folders and secrets.</summary>
public sealed class EnvironmentService(Db db, PermissionService permissions, TimeProvider time)
{
    public async Task<EnvironmentDto> CreateAsync(Actor actor, AuditContext audit, string projectId, string name, string slug, long? position)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Environments);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            if (await EnvironmentStore.FindBySlugAsync(conn, projectId, slug, tx) is not null)
                throw new BadRequestException("Environment with slug '" + slug + "' already exist");
            var max = await EnvironmentStore.MaxPositionAsync(conn, tx, projectId);
            var at = position is { } p && p <= max ? p : max + 1;
            await EnvironmentStore.ShiftAsync(conn, tx, projectId, at, 1, now);
            var env = new EnvironmentRow
            {
                Id = Ids.New(),
                ProjectId = projectId,
                Name = name,
                Slug = slug,
                Position = at,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await EnvironmentStore.InsertAsync(conn, tx, env);
            await FolderStore.InsertRootAsync(conn, tx, env.Id, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-environment",
                new JsonObject { ["name"] = name, ["slug"] = slug }, access.Project.OrgId, projectId), now);
            return EnvironmentDto.From(env);
        });
    }

    public async Task<EnvironmentDto> UpdateAsync(Actor actor, AuditContext audit, string projectId, string envId, string? name, string? slug, long? position)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Environments);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var env = await EnvironmentStore.FindAsync(conn, projectId, envId, tx)
                ?? throw new NotFoundException($"Environment with id '{envId}' in project with ID '{projectId}' not found");
            if (slug is not null && slug != env.Slug && await EnvironmentStore.FindBySlugAsync(conn, projectId, slug, tx) is not null)
                throw new BadRequestException("Environment with slug '" + slug + "' already exist");
            var newPosition = env.Position;
            if (position is { } p && p != env.Position)
            {
                // Move within the list: close the gap it leaves, open one where it lands.
                await EnvironmentStore.ShiftAsync(conn, tx, projectId, env.Position + 1, -1, now);
                await EnvironmentStore.ShiftAsync(conn, tx, projectId, p, 1, now);
                newPosition = p;
            }
            if (slug is not null && slug != env.Slug)
            {
                // Every secret of the environment is checked under the old and the new slug.
                var folders = await EnvironmentFoldersAsync(conn, tx, projectId, env.Id);
                AffectedSecrets.RequireRelabel(access, await AffectedSecrets.InFoldersAsync(conn, tx, folders, folders.SelfAndDescendantsOfRoot()),
                    s => s with { Environment = slug });
            }
            var updated = new EnvironmentRow
            {
                Id = env.Id,
                ProjectId = env.ProjectId,
                Name = name ?? env.Name,
                Slug = slug ?? env.Slug,
                Position = newPosition,
                CreatedAt = env.CreatedAt,
                UpdatedAt = now,
            };
            await EnvironmentStore.UpdateAsync(conn, tx, updated);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-environment", new JsonObject
            {
                ["oldName"] = env.Name,
                ["newName"] = updated.Name,
                ["oldSlug"] = env.Slug,
                ["newSlug"] = updated.Slug,
            }, access.Project.OrgId, projectId), now);
            return EnvironmentDto.From(updated);
        });
    }

    public async Task<EnvironmentDto> DeleteAsync(Actor actor, AuditContext audit, string projectId, string envId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Environments);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var env = await EnvironmentStore.FindAsync(conn, projectId, envId, tx)
                ?? throw new NotFoundException($"Environment with id '{envId}' in project with ID '{projectId}' not found");
            // Its folders and secrets go with it (ON DELETE CASCADE), so each secret is checked for delete.
            var folders = await EnvironmentFoldersAsync(conn, tx, projectId, env.Id);
            AffectedSecrets.RequireDelete(access, await AffectedSecrets.InFoldersAsync(conn, tx, folders, folders.SelfAndDescendantsOfRoot()));
            await DynamicSecretGuard.RequireNoneInFoldersAsync(conn, tx, [.. folders.SelfAndDescendantsOfRoot().Select(f => f.Id)], "environment");
            await EnvironmentStore.DeleteAsync(conn, tx, env.Id);
            await EnvironmentStore.ShiftAsync(conn, tx, projectId, env.Position + 1, -1, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-environment",
                new JsonObject { ["name"] = env.Name, ["slug"] = env.Slug }, access.Project.OrgId, projectId), now);
            return EnvironmentDto.From(env);
        });
    }

    public async Task<EnvironmentDto> GetAsync(Actor actor, string projectId, string envId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Environments);
        var env = await db.ReadAsync(conn => EnvironmentStore.FindAsync(conn, projectId, envId))
            ?? throw new NotFoundException($"Environment with id '{envId}' in project with ID '{projectId}' not found");
        return EnvironmentDto.From(env);
    }

    /// <summary>
    /// An environment by id alone (Terraform reads and imports environments this way): not found before any permission
    /// is asked, then read permission on environments in its project, as Infisical's getEnvironmentById.
    /// </summary>
    public async Task<EnvironmentDto> GetByIdAsync(Actor actor, string envId)
    {
        var env = await db.ReadAsync(conn => EnvironmentStore.FindByIdAsync(conn, envId))
            ?? throw new NotFoundException($"Environment with ID '{envId}' not found");
        var access = await permissions.ForProjectAsync(actor, env.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Environments);
        return EnvironmentDto.From(env);
    }

    /// <summary>Permission first, then the lookup, as Infisical's getEnvironmentBySlug.</summary>
    public async Task<EnvironmentDto> GetBySlugAsync(Actor actor, string projectId, string slug)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Environments);
        var env = await db.ReadAsync(conn => EnvironmentStore.FindBySlugAsync(conn, projectId, slug))
            ?? throw new NotFoundException($"Environment with slug '{slug}' in project with ID '{projectId}' not found");
        return EnvironmentDto.From(env);
    }

    private static async Task<EnvironmentFolders> EnvironmentFoldersAsync(DbConnection conn, DbTransaction tx, string projectId, string envId) =>
        (await SecretStore.LoadTreeAsync(conn, projectId, tx)).EnvironmentById(envId)!;
}
