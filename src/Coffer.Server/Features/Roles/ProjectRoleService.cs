using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Roles;

/// <summary>Custom project roles (spec §8.4). Changing or deleting one changes what its holders may do on the next request.</summary>
public sealed class ProjectRoleService(Db db, PermissionService permissions, TimeProvider time)
{
    public async Task<JsonObject> CreateAsync(Actor actor, AuditContext audit, string projectId, RoleInput input, RoleForm form = RoleForm.Current)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Role);
        access.RequireHolds(PermissionSet.FromRules(input.Permissions!), "Failed to create role");
        var now = UnixMs.Now(time);
        var row = new ProjectRoleRow(Ids.New(), projectId, input.Name!, input.Slug!, input.Description,
            PermissionStorage.Pack(input.Permissions!), now, now);
        await db.WriteAsync(async (conn, tx) =>
        {
            if (!await ProjectRoleStore.TryInsertAsync(conn, tx, row)) throw new BadRequestException("Role with same slug already exists");
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-project-role",
                new JsonObject { ["roleId"] = row.Id, ["slug"] = row.Slug, ["name"] = row.Name }, access.Project.OrgId, projectId), now);
        });
        return ToJson(row, form);
    }

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string projectId, string roleId, RoleInput input, RoleForm form = RoleForm.Current)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Role);
        if (input.Permissions is not null)
        {
            // New rules widen what every holder may do and may narrow it: the actor must hold the new rules and
            // everything each holder holds now (otherwise a role editor rewrites its own role into admin).
            access.RequireHolds(PermissionSet.FromRules(input.Permissions), "Failed to update role");
            var holders = await db.ReadAsync(conn => ProjectRoleStore.ListHoldersAsync(conn, projectId, roleId));
            foreach (var (identityId, userId) in holders)
                access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project,
                    identityId is not null ? ActorType.Identity : ActorType.User, identityId ?? userId!), "Failed to update role");
        }
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await ProjectRoleStore.FindAsync(conn, projectId, roleId, tx) ?? throw NotFound(roleId);
            if (input.Slug is not null && input.Slug != current.Slug && await ProjectRoleStore.SlugTakenAsync(conn, tx, projectId, input.Slug))
                throw new BadRequestException("Role with same slug already exists");
            var updated = current with
            {
                Slug = input.Slug ?? current.Slug,
                Name = input.Name ?? current.Name,
                Description = input.DescriptionGiven ? input.Description : current.Description,
                Permissions = input.Permissions is null ? current.Permissions : PermissionStorage.Pack(input.Permissions),
                UpdatedAt = now,
            };
            await ProjectRoleStore.UpdateAsync(conn, tx, updated);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-project-role",
                new JsonObject { ["roleId"] = updated.Id, ["slug"] = updated.Slug, ["name"] = updated.Name }, access.Project.OrgId, projectId), now);
            return ToJson(updated, form);
        });
    }

    public async Task<JsonObject> DeleteAsync(Actor actor, AuditContext audit, string projectId, string roleId, RoleForm form = RoleForm.Current)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Role);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await ProjectRoleStore.FindAsync(conn, projectId, roleId, tx) ?? throw NotFound(roleId);
            if (await ProjectRoleStore.IsAssignedAsync(conn, tx, roleId))
                throw new BadRequestException("The role is assigned to one or more project members. Change their roles before deleting it.");
            await ProjectRoleStore.DeleteAsync(conn, tx, roleId);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-project-role",
                new JsonObject { ["roleId"] = current.Id, ["slug"] = current.Slug, ["name"] = current.Name }, access.Project.OrgId, projectId), now);
            return ToJson(current, form);
        });
    }

    /// <summary>The predefined roles, then the project's own, without their permissions.</summary>
    public async Task<JsonArray> ListAsync(Actor actor, string projectId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Role);
        var custom = await db.ReadAsync(conn => ProjectRoleStore.ListAsync(conn, projectId));
        var list = new JsonArray();
        foreach (var predefined in ProjectRoles.Predefined) list.Add(Predefined(predefined, access.Project, form: null));
        foreach (var row in custom) list.Add(ToJson(row, form: null));
        return list;
    }

    public async Task<JsonObject> GetBySlugAsync(Actor actor, string projectId, string slug, RoleForm form = RoleForm.Current)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Role);
        var predefined = ProjectRoles.Predefined.FirstOrDefault(r => r.Slug == slug);
        if (predefined is not null) return Predefined(predefined, access.Project, form);
        var row = await db.ReadAsync(conn => ProjectRoleStore.FindBySlugAsync(conn, projectId, slug))
            ?? throw new NotFoundException($"Project role with slug '{slug}' not found");
        return ToJson(row, form);
    }

    /// <summary>
    /// A custom role by id alone (Terraform imports roles this way): not found before any permission is asked, then read
    /// on roles in the role's project. Predefined roles have no id of their own, so they are never found here.
    /// </summary>
    public async Task<JsonObject> GetByIdAsync(Actor actor, string roleId)
    {
        var row = await db.ReadAsync(conn => ProjectRoleStore.FindByIdAsync(conn, roleId)) ?? throw NotFound(roleId);
        var access = await permissions.ForProjectAsync(actor, row.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Role);
        return ToJson(row, RoleForm.Current);
    }

    private static NotFoundException NotFound(string roleId) => new($"Project role with ID '{roleId}' not found");

    /// <param name="form">How to show the permissions; null leaves them out (lists).</param>
    private static JsonObject ToJson(ProjectRoleRow r, RoleForm? form)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["name"] = r.Name,
            ["slug"] = r.Slug,
            ["description"] = r.Description,
            ["projectId"] = r.ProjectId,
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
        };
        if (form is { } f) o["permissions"] = PermissionsJson(PermissionStorage.Unpack(r.Permissions), f);
        return o;
    }

    private static JsonObject Predefined(PredefinedRole role, ProjectRow project, RoleForm? form)
    {
        var o = new JsonObject
        {
            ["id"] = $"{project.Id}:{role.Slug}",
            ["name"] = role.Name,
            ["slug"] = role.Slug,
            ["description"] = role.Description,
            ["projectId"] = project.Id,
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(project.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(project.CreatedAt)),
        };
        if (form is { } f) o["permissions"] = PermissionsJson(role.Rules, f);
        return o;
    }

    private static JsonArray PermissionsJson(IEnumerable<PermissionRule> rules, RoleForm form) =>
        PermissionJson.ToUnpackedJson(form == RoleForm.V1 ? PermissionsV1.ForV1Response(rules) : rules);
}
