using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Projects;

/// <summary>Projects: creation with Infisical's defaults, reads for members, settings and deletion for admins.</summary>
public sealed class ProjectService(Db db, PermissionService permissions, Secrets.ProjectKeyRing keys, TimeProvider time)
{
    private static readonly (string Name, string Slug)[] DefaultEnvironments =
        [("Development", "dev"), ("Staging", "staging"), ("Production", "prod")];

    public async Task<ProjectDto> CreateAsync(Actor actor, AuditContext audit, CreateProjectRequest request)
    {
        var org = await permissions.ForOrgAsync(actor, actor.OrgId);
        if (!org.Can(PermissionAction.Create, OrgSubject.Workspace) && !org.Can(PermissionAction.Create, OrgSubject.Project))
            throw new ForbiddenException("You don't have permission to create a project");
        if (request.Template != "default")
            throw new NotFoundException($"Project template with name '{request.Template}' not found");

        var now = UnixMs.Now(time);
        var project = new ProjectRow
        {
            Id = Ids.New(),
            OrgId = actor.OrgId,
            Name = request.Name,
            Description = request.Description,
            Slug = request.Slug ?? Slugs.WithSuffix(request.Name),
            Type = request.Type,
            HasDeleteProtection = request.HasDeleteProtection,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var environments = await db.WriteAsync(async (conn, tx) =>
        {
            if (await ProjectStore.SlugTakenAsync(conn, tx, project.OrgId, project.Slug))
                throw new BadRequestException(
                    $"A project with the slug \"{project.Slug}\" already exists in your organization. Please choose a different name or slug.");
            await ProjectStore.InsertAsync(conn, tx, project);
            await keys.CreateAsync(conn, tx, project.Id, now);
            var envs = new List<EnvironmentRow>();
            if (request.CreateDefaultEnvironments)
            {
                for (var i = 0; i < DefaultEnvironments.Length; i++)
                {
                    var env = new EnvironmentRow
                    {
                        Id = Ids.New(),
                        ProjectId = project.Id,
                        Name = DefaultEnvironments[i].Name,
                        Slug = DefaultEnvironments[i].Slug,
                        Position = i + 1,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    await EnvironmentStore.InsertAsync(conn, tx, env);
                    await FolderStore.InsertRootAsync(conn, tx, env.Id, now);
                    envs.Add(env);
                }
            }
            // The creator, user or identity, becomes the project's admin.
            var membershipId = Ids.New();
            await ProjectStore.TryInsertMembershipAsync(conn, tx, membershipId, project.Id,
                actor.IsIdentity ? actor.Id : null, actor.IsIdentity ? null : actor.Id, now);
            await ProjectStore.InsertPermanentRoleAsync(conn, tx, membershipId, ProjectRoles.Admin, null, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-project", new JsonObject
            {
                ["projectName"] = project.Name,
                ["name"] = project.Name,
                ["slug"] = project.Slug,
                ["type"] = project.Type,
            }, project.OrgId, project.Id), now);
            return envs;
        });
        return ProjectDto.WithEnvironments(project, environments);
    }

    public async Task<ProjectDto> GetAsync(Actor actor, string projectId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        var envs = await db.ReadAsync(conn => EnvironmentStore.ListAsync(conn, access.Project.Id));
        return ProjectDto.WithEnvironments(access.Project, envs);
    }

    /// <summary>Infisical's <c>projectSlugToId</c>: the project of that slug in the caller's organization, no permission asked.</summary>
    public async Task<string> IdOfSlugAsync(Actor actor, string slug) =>
        (await db.ReadAsync(conn => ProjectStore.FindBySlugAsync(conn, actor.OrgId, slug))
            ?? throw new NotFoundException($"Project with slug '{slug}' not found")).Id;

    /// <summary>
    /// How long the project's audit rows are kept (Terraform's <c>audit_log_retention_days</c>). Only a project admin may
    /// set it, as Infisical's <c>hasRole(admin)</c>; Coffer has no plan, so no upper limit but the operator's own.
    /// </summary>
    public async Task<ProjectDto> SetAuditLogsRetentionAsync(Actor actor, AuditContext audit, string slug, long days)
    {
        var projectId = await IdOfSlugAsync(actor, slug);
        var access = await permissions.ForProjectAsync(actor, projectId);
        var now = UnixMs.Now(time);
        if (!await db.ReadAsync(conn => ProjectStore.HoldsRoleAsync(conn, access.MembershipId, ProjectRoles.Admin, now)))
            throw new ForbiddenException("Insufficient privileges, only admins are allowed to take this action");
        await db.WriteAsync(async (conn, tx) =>
        {
            await ProjectStore.SetAuditLogsRetentionAsync(conn, tx, projectId, days, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-project",
                new JsonObject { ["auditLogsRetentionDays"] = days }, access.Project.OrgId, projectId), now);
        });
        // Read back rather than through the request's project access, which holds the row as it was.
        return await db.ReadAsync(async conn => ProjectDto.WithEnvironments((await ProjectRecords.FindAsync(conn, projectId))!,
            await EnvironmentStore.ListAsync(conn, projectId)));
    }

    public async Task<ProjectDto> GetBySlugAsync(Actor actor, string slug) => await GetAsync(actor, await IdOfSlugAsync(actor, slug));

    public async Task<IReadOnlyList<ProjectDto>> ListAsync(Actor actor, string? type)
    {
        await permissions.ForOrgAsync(actor, actor.OrgId);
        return await db.ReadAsync(async conn =>
        {
            var column = actor.IsIdentity ? "identity_id" : "user_id";
            var projects = await ProjectStore.ListForActorAsync(conn, actor.OrgId, column, actor.Id, type);
            var environments = await ProjectStore.EnvironmentsForActorAsync(conn, actor.OrgId, column, actor.Id, type);
            return projects.Select(p => ProjectDto.WithEnvironments(p, environments[p.Id])).ToList();
        });
    }

    public async Task<ProjectDto> UpdateAsync(Actor actor, AuditContext audit, string projectId, UpdateProjectRequest request)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Settings);
        var now = UnixMs.Now(time);
        var current = access.Project;
        var updated = new ProjectRow
        {
            Id = current.Id,
            OrgId = current.OrgId,
            Name = request.Name ?? current.Name,
            Description = request.Description ?? current.Description,
            Slug = request.Slug ?? current.Slug,
            Type = current.Type,
            AutoCapitalization = request.AutoCapitalization ?? current.AutoCapitalization,
            Version = current.Version,
            PitVersionLimit = request.PitVersionLimit ?? current.PitVersionLimit,
            AuditLogsRetentionDays = current.AuditLogsRetentionDays,
            HasDeleteProtection = request.HasDeleteProtection ?? current.HasDeleteProtection,
            SecretSharing = request.SecretSharing ?? current.SecretSharing,
            ShowSnapshotsLegacy = request.ShowSnapshotsLegacy ?? current.ShowSnapshotsLegacy,
            EnforceEncryptedSecretManagerSecretMetadata = request.EnforceEncryptedSecretManagerSecretMetadata ?? current.EnforceEncryptedSecretManagerSecretMetadata,
            SecretDetectionIgnoreValues = request.SecretDetectionIgnoreValues is null
                ? current.SecretDetectionIgnoreValues
                : JsonSerializer.Serialize(request.SecretDetectionIgnoreValues),
            CreatedAt = current.CreatedAt,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (request.Slug is not null && await ProjectStore.SlugTakenAsync(conn, tx, current.OrgId, request.Slug, current.Id))
                throw new BadRequestException(
                    $"A project with the slug \"{request.Slug}\" already exists in your organization. Please choose a different name or slug.");
            await ProjectStore.UpdateAsync(conn, tx, updated);
            // Cached project details (and permissions built from them) must not outlive the change.
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-project", new JsonObject
            {
                ["name"] = updated.Name,
                ["slug"] = updated.Slug,
            }, current.OrgId, current.Id), now);
        });
        return ProjectDto.From(updated);
    }

    public async Task<ProjectDto> DeleteAsync(Actor actor, AuditContext audit, string projectId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Project);
        if (access.Project.HasDeleteProtection)
            throw new ForbiddenException("Project delete protection is enabled");
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await DynamicSecretGuard.RequireNoneInProjectAsync(conn, tx, access.Project.Id);
            await IdentityStore.DeleteProjectScopedAsync(conn, tx, access.Project.Id);
            await ProjectStore.DeleteAsync(conn, tx, access.Project.Id);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-project", new JsonObject
            {
                ["id"] = access.Project.Id,
                ["name"] = access.Project.Name,
                ["slug"] = access.Project.Slug,
            }, access.Project.OrgId, access.Project.Id), now);
        });
        return ProjectDto.From(access.Project);
    }
}
