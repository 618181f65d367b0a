using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Folders;

/// <summary>Folders with Infisical's rules: nested paths created on demand, names unique per parent, any member may list.</summary>
public sealed class FolderService(Db db, PermissionService permissions, ProjectContentCache content, TimeProvider time)
{
    public async Task<FolderChange> CreateAsync(Actor actor, AuditContext audit, string projectId, string environment, string path,
        string name, string? description)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.SecretFolders, SubjectFields.EnvironmentAndPath(environment, path));
        var now = UnixMs.Now(time);
        var change = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var env = tree.Environment(environment)
                ?? throw new NotFoundException($"Environment with slug '{environment}' in project with ID '{projectId}' not found");
            var parentSegments = SecretPath.Segments(path);
            var (closest, depth) = env.Closest(SecretPath.Join(SecretPath.Normalize(path), name));
            if (depth == parentSegments.Length + 1)
                throw new BadRequestException($"Folder with name '{name}' already exists in path '{path}'");

            // Like `mkdir -p`: the missing folders of the parent path are created on the way.
            var parentId = closest!.Id;
            foreach (var segment in parentSegments.Skip(depth))
                parentId = (await InsertAsync(conn, tx, env.Environment.Id, parentId, segment, null, now)).Id;
            var folder = await InsertAsync(conn, tx, env.Environment.Id, parentId, name, description, now);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            var folderPath = SecretPath.Join(SecretPath.Normalize(path), name);
            var metadata = new JsonObject
            {
                ["environment"] = environment,
                ["folderId"] = folder.Id,
                ["folderName"] = folder.Name,
                ["folderPath"] = path,
            };
            if (!string.IsNullOrEmpty(description)) metadata["description"] = description;
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-folder", metadata, access.Project.OrgId, projectId), now);
            return new FolderChange(folder, folderPath);
        });
        content.Forget(projectId);
        return change;
    }

    public async Task<(FolderChange Folder, FolderRow Old)> UpdateAsync(Actor actor, AuditContext audit, string projectId, FolderUpdate update)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.SecretFolders, SubjectFields.EnvironmentAndPath(update.Environment, update.Path));
        var now = UnixMs.Now(time);
        var result = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var updated = await ApplyUpdateAsync(conn, tx, access, tree, update, "UpdateFolder", now);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, UpdateEvent(access, projectId, update, updated.Old, updated.Folder.Folder), now);
            return updated;
        });
        content.Forget(projectId);
        return result;
    }

    public async Task<(string ProjectId, IReadOnlyList<(FolderChange Folder, FolderRow Old)> Folders)> UpdateManyAsync(
        Actor actor, AuditContext audit, string projectId, IReadOnlyList<FolderUpdate> updates)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        foreach (var update in updates)
            access.Require(PermissionAction.Edit, ProjectSubject.SecretFolders, SubjectFields.EnvironmentAndPath(update.Environment, update.Path));
        var now = UnixMs.Now(time);
        var results = await db.WriteAsync(async (conn, tx) =>
        {
            var done = new List<(FolderChange, FolderRow)>();
            foreach (var update in updates)
            {
                // Reload between items: an earlier rename changes the paths a later item may name.
                var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
                var updated = await ApplyUpdateAsync(conn, tx, access, tree, update, "UpdateManyFolders", now);
                await AuditLogStore.WriteAsync(conn, tx, audit, UpdateEvent(access, projectId, update, updated.Old, updated.Folder.Folder), now);
                done.Add(updated);
            }
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            return done;
        });
        content.Forget(projectId);
        return (projectId, results);
    }

    public async Task<FolderRow> DeleteAsync(Actor actor, AuditContext audit, string projectId, string environment, string path,
        string idOrName, bool forceDelete)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.SecretFolders, SubjectFields.EnvironmentAndPath(environment, path));
        var now = UnixMs.Now(time);
        var deleted = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var env = tree.Environment(environment) ?? throw new NotFoundException($"Environment with slug '{environment}' not found");
            var parent = env.Find(path)
                ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
            var folder = FindChild(env, parent, idOrName) ?? throw new NotFoundException($"Folder with ID '{idOrName}' not found");
            if (!forceDelete && (await FolderStore.HasSecretsAsync(conn, tx, folder.Id) || await FolderStore.HasChildrenAsync(conn, tx, folder.Id)))
                throw new BadRequestException(
                    $"Cannot delete folder \"{folder.Name}\" because it contains resources. Use forceDelete=true to delete it forcefully.",
                    "deleteFolder");
            // Subfolders, their secrets and imports go with it (ON DELETE CASCADE), so each secret is checked for delete.
            AffectedSecrets.RequireDelete(access, await AffectedSecrets.InFoldersAsync(conn, tx, env, env.SelfAndDescendants(folder)));
            await DynamicSecretGuard.RequireNoneInFoldersAsync(conn, tx, [.. env.SelfAndDescendants(folder).Select(f => f.Id)], "folder");
            await FolderStore.DeleteAsync(conn, tx, folder.Id);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-folder", new JsonObject
            {
                ["environment"] = environment,
                ["folderId"] = folder.Id,
                ["folderPath"] = path,
                ["folderName"] = folder.Name,
            }, access.Project.OrgId, projectId), now);
            return folder;
        });
        content.Forget(projectId);
        return deleted;
    }

    /// <summary>Folders directly under a path (or everything below it), by name. Every project member may list folders.</summary>
    public async Task<IReadOnlyList<FolderChange>> ListAsync(Actor actor, string projectId, string environment, string path, bool recursive,
        long? lastSecretModified)
    {
        await permissions.ForProjectAsync(actor, projectId);
        var snapshot = await content.GetAsync(projectId, actor);
        var env = snapshot.Tree.Environment(environment) ?? throw new NotFoundException($"Environment with slug '{environment}' not found");
        var parent = env.Find(path);
        if (parent is null) return [];
        var folders = recursive ? env.SelfAndDescendants(parent).Skip(1) : env.Children(parent.Id);
        return folders
            .Where(f => lastSecretModified is null || (f.LastSecretModified is { } m && m >= lastSecretModified))
            .Select(f => new FolderChange(f, env.PathOf(f)))
            .ToList();
    }

    public async Task<(FolderRow Folder, EnvironmentRow Environment, string Path, string ProjectId)> GetByIdAsync(Actor actor, string id)
    {
        var projectId = await db.ReadAsync(conn => FolderStore.ProjectOfAsync(conn, id))
            ?? throw new NotFoundException($"Folder with ID '{id}' not found");
        await permissions.ForProjectAsync(actor, projectId);
        var snapshot = await content.GetAsync(projectId, actor);
        var env = snapshot.Tree.EnvironmentOf(id) ?? throw new NotFoundException($"Folder with ID '{id}' not found");
        var folder = env.ById(id)!;
        return (folder, env.Environment, env.PathOf(folder), projectId);
    }

    private static async Task<(FolderChange Folder, FolderRow Old)> ApplyUpdateAsync(System.Data.Common.DbConnection conn,
        System.Data.Common.DbTransaction tx, ProjectAccess access, ProjectTree tree, FolderUpdate update, string errorName, long now)
    {
        var env = tree.Environment(update.Environment);
        var parent = env?.Find(update.Path)
            ?? throw new NotFoundException($"Folder with path '{update.Path}' in environment with slug '{update.Environment}' not found", errorName);
        var folder = FindChild(env!, parent, update.IdOrName)
            ?? throw new NotFoundException($"Folder with ID '{update.IdOrName}' not found", errorName);
        if (!string.Equals(update.Name, folder.Name, StringComparison.Ordinal) && env!.ChildNamed(parent.Id, update.Name) is not null)
            throw new BadRequestException("Folder with specified name already exists", errorName);
        if (!string.Equals(update.Name, folder.Name, StringComparison.Ordinal))
        {
            // Every secret below moves to a new path: each is checked under its old and its new path.
            var oldPath = env!.PathOf(folder);
            var newPath = SecretPath.Join(env.PathOf(parent), update.Name);
            AffectedSecrets.RequireRelabel(access, await AffectedSecrets.InFoldersAsync(conn, tx, env, env.SelfAndDescendants(folder)),
                s => s with { Path = newPath + s.Path[oldPath.Length..] });
        }
        var updated = new FolderRow
        {
            Id = folder.Id,
            EnvId = folder.EnvId,
            ParentId = folder.ParentId,
            Name = update.Name,
            Description = update.Description.Or(folder.Description),
            Version = folder.Version + 1,
            CreatedAt = folder.CreatedAt,
            UpdatedAt = now,
            LastSecretModified = folder.LastSecretModified,
        };
        try
        {
            await FolderStore.UpdateAsync(conn, tx, updated);
        }
        catch (Exception ex) when (UniqueViolation.Is(ex))
        {
            throw new BadRequestException("Folder with specified name already exists", errorName);
        }
        return (new FolderChange(updated, SecretPath.Join(env!.PathOf(parent), updated.Name)), folder);
    }

    /// <summary>Infisical accepts a folder's name or its id where the CLI and the API differ.</summary>
    private static FolderRow? FindChild(EnvironmentFolders env, FolderRow parent, string idOrName) =>
        env.ChildNamed(parent.Id, idOrName)
        ?? (env.ById(idOrName) is { } byId && string.Equals(byId.ParentId, parent.Id, StringComparison.Ordinal) ? byId : null);

    private static async Task<FolderRow> InsertAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx,
        string envId, string parentId, string name, string? description, long now)
    {
        var folder = new FolderRow
        {
            Id = Ids.New(),
            EnvId = envId,
            ParentId = parentId,
            Name = name,
            Description = description,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await FolderStore.InsertAsync(conn, tx, folder);
        }
        catch (Exception ex) when (UniqueViolation.Is(ex))
        {
            throw new BadRequestException($"Folder with name '{name}' already exists");
        }
        return folder;
    }

    private static AuditEvent UpdateEvent(ProjectAccess access, string projectId, FolderUpdate update, FolderRow old, FolderRow updated) =>
        new("update-folder", new JsonObject
        {
            ["environment"] = update.Environment,
            ["folderId"] = updated.Id,
            ["folderPath"] = update.Path,
            ["newFolderName"] = updated.Name,
            ["oldFolderName"] = old.Name,
        }, access.Project.OrgId, projectId);
}
