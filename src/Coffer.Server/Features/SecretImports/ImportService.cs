using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Events;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.SecretImports;

/// <summary>Secret imports: a folder pulls in the secrets of another environment and path (read-only, listed under <c>imports</c>).</summary>
public sealed class ImportService(
    Db db, PermissionService permissions, ProjectContentCache content, ProjectKeyRing keys, AuditBatcher auditBatcher, TimeProvider time, ProjectEventBus events)
{
    public async Task<ImportDetails> CreateAsync(Actor actor, AuditContext audit, string projectId, string environment, string path,
        string importEnvironment, string importPath, bool isReplication)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(environment, path));
        RequireSourceReadable(access, importEnvironment, importPath);
        if (isReplication)
            throw new BadRequestException("Failed to create secret replication due to plan restriction. Upgrade plan to create replication.");
        var now = UnixMs.Now(time);
        var created = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var folder = tree.Find(environment, path)
                ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
            var importEnv = tree.Environment(importEnvironment) ?? throw new NotFoundException();
            await RejectCycleAsync(conn, tx, tree, folder, importEnv, importPath);
            var existing = await ImportStore.ListAsync(conn, folder.Id, tx);
            var row = new ImportRow
            {
                Id = Ids.New(),
                FolderId = folder.Id,
                ImportEnvId = importEnv.Environment.Id,
                ImportPath = importPath,
                Position = existing.Count == 0 ? 1 : existing.Max(i => i.Position) + 1,
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await ImportStore.InsertAsync(conn, tx, row);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-secret-import", new JsonObject
            {
                ["secretImportId"] = row.Id,
                ["folderId"] = row.FolderId,
                ["importFromSecretPath"] = row.ImportPath,
                ["importFromEnvironment"] = importEnv.Environment.Slug,
                ["importToEnvironment"] = environment,
                ["importToSecretPath"] = path,
            }, access.Project.OrgId, projectId), now);
            return new ImportDetails(row, importEnv.Environment);
        });
        content.Forget(projectId);
        await PublishAsync(projectId, environment, path);
        return created;
    }

    public async Task<ImportDetails> UpdateAsync(Actor actor, AuditContext audit, string projectId, string environment, string path, string id,
        ImportChange change)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(environment, path));
        var now = UnixMs.Now(time);
        var updated = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var folder = tree.Find(environment, path)
                ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
            var existing = await ImportStore.FindAsync(conn, id, tx);
            if (existing is null || existing.FolderId != folder.Id) throw new BadRequestException("Secret import not found");
            var importEnv = (change.Environment.IsSet ? tree.Environment(change.Environment.Value) : tree.EnvironmentById(existing.ImportEnvId))
                ?? throw new NotFoundException();
            var importPath = change.Path.IsSet && change.Path.Value.Length > 0 ? change.Path.Value : existing.ImportPath;
            RequireSourceReadable(access, importEnv.Environment.Slug, importPath);
            await RejectCycleAsync(conn, tx, tree, folder, importEnv, importPath);
            var position = existing.Position;
            if (change.Position is { } to && to != existing.Position)
            {
                if (to < existing.Position) await ImportStore.ShiftAsync(conn, tx, folder.Id, to, existing.Position - 1, 1);
                else await ImportStore.ShiftAsync(conn, tx, folder.Id, existing.Position + 1, to, -1);
                position = to;
            }
            var row = new ImportRow
            {
                Id = existing.Id,
                FolderId = existing.FolderId,
                ImportEnvId = importEnv.Environment.Id,
                ImportPath = importPath,
                Position = position,
                Version = existing.Version + 1,
                CreatedAt = existing.CreatedAt,
                UpdatedAt = now,
            };
            await ImportStore.UpdateAsync(conn, tx, row);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-secret-import", new JsonObject
            {
                ["secretImportId"] = row.Id,
                ["folderId"] = row.FolderId,
                ["position"] = row.Position,
                ["importToEnvironment"] = environment,
                ["importToSecretPath"] = path,
            }, access.Project.OrgId, projectId), now);
            return new ImportDetails(row, importEnv.Environment);
        });
        content.Forget(projectId);
        await PublishAsync(projectId, environment, path);
        return updated;
    }

    public async Task<ImportDetails> DeleteAsync(Actor actor, AuditContext audit, string projectId, string environment, string path, string id)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Delete, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(environment, path));
        var now = UnixMs.Now(time);
        var deleted = await db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, projectId, tx);
            var folder = tree.Find(environment, path)
                ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
            var existing = await ImportStore.FindAsync(conn, id, tx);
            if (existing is null || existing.FolderId != folder.Id) throw new NotFoundException($"Secret import with folder ID '{id}' not found");
            await ImportStore.DeleteAsync(conn, tx, existing.Id);
            await ImportStore.ShiftAsync(conn, tx, folder.Id, existing.Position + 1, long.MaxValue, -1);
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            var importEnv = tree.EnvironmentById(existing.ImportEnvId)!.Environment;
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-secret-import", new JsonObject
            {
                ["secretImportId"] = existing.Id,
                ["folderId"] = existing.FolderId,
                ["importFromEnvironment"] = importEnv.Slug,
                ["importFromSecretPath"] = existing.ImportPath,
                ["importToEnvironment"] = environment,
                ["importToSecretPath"] = path,
            }, access.Project.OrgId, projectId), now);
            return new ImportDetails(existing, importEnv);
        });
        content.Forget(projectId);
        await PublishAsync(projectId, environment, path);
        return deleted;
    }

    public async Task<IReadOnlyList<ImportDetails>> ListAsync(Actor actor, AuditContext audit, string projectId, string environment, string path)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(environment, path));
        var snapshot = await content.GetAsync(projectId, actor);
        var folder = snapshot.Tree.Find(environment, path)
            ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
        var imports = (await snapshot.ImportsAsync([folder.Id]))[folder.Id];
        auditBatcher.Enqueue(audit, new AuditEvent("get-secret-imports", new JsonObject
        {
            ["environment"] = environment,
            ["folderId"] = imports.Count > 0 ? folder.Id : null,
            ["numberOfImports"] = imports.Count,
        }, access.Project.OrgId, projectId));
        return imports.Select(i => new ImportDetails(i, snapshot.Tree.EnvironmentById(i.ImportEnvId)!.Environment)).ToList();
    }

    public async Task<(ImportDetails Import, EnvironmentRow Environment, string Path, string ProjectId)> GetAsync(Actor actor, AuditContext audit, string id)
    {
        var row = await db.ReadAsync(conn => ImportStore.FindAsync(conn, id)) ?? throw new NotFoundException($"Secret import with ID '{id}' not found");
        var projectId = await db.ReadAsync(conn => FolderStore.ProjectOfAsync(conn, row.FolderId))
            ?? throw new NotFoundException($"Secret import folder with ID '{row.FolderId}' not found");
        var access = await permissions.ForProjectAsync(actor, projectId);
        var snapshot = await content.GetAsync(projectId, actor);
        var env = snapshot.Tree.EnvironmentOf(row.FolderId)!;
        var path = env.PathOf(env.ById(row.FolderId)!);
        access.Require(PermissionAction.Read, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(env.Environment.Slug, path));
        auditBatcher.Enqueue(audit, new AuditEvent("get-secret-import",
            new JsonObject { ["secretImportId"] = row.Id, ["folderId"] = row.FolderId }, access.Project.OrgId, projectId));
        return (new ImportDetails(row, snapshot.Tree.EnvironmentById(row.ImportEnvId)!.Environment), env.Environment, path, projectId);
    }

    /// <summary>The secrets a folder's imports bring, as Infisical's "secrets from imports" routes list them.</summary>
    public Task<(List<ImportedGroup> Groups, ProjectTree Tree)> SecretsAsync(Actor actor, string projectId, string environment, string path) =>
        keys.WithKeysAsync(projectId, key => SecretsAsync(actor, projectId, environment, path, key));

    private async Task<(List<ImportedGroup> Groups, ProjectTree Tree)> SecretsAsync(Actor actor, string projectId, string environment, string path,
        ProjectKeys? key)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.SecretImports, SubjectFields.EnvironmentAndPath(environment, path));
        var snapshot = await content.GetAsync(projectId, actor);
        var folder = snapshot.Tree.Find(environment, path);
        if (folder is null) return ([], snapshot.Tree);
        var imports = (await snapshot.ImportsAsync([folder.Id]))[folder.Id];
        var groups = await ImportedSecrets.ResolveAsync(snapshot, key, imports, viewSecretValue: true,
            (e, p, k, tags) => access.Permissions.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret(e, p, k, tags)));
        return (groups, snapshot.Tree);
    }

    /// <summary>
    /// An import shows its source's secrets to everyone who reads the folder, so whoever points an import at a source,
    /// on create or on any update, must be able to see that source's secrets themselves.
    /// </summary>
    private static void RequireSourceReadable(ProjectAccess access, string environment, string path) =>
        access.Permissions.RequireSecretAccess(PermissionAction.DescribeSecret, SubjectFields.EnvironmentAndPath(environment, path));

    /// <summary>Infisical refuses an import when the source folder already imports the destination back.</summary>
    private static async Task RejectCycleAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, ProjectTree tree,
        FolderRow folder, EnvironmentFolders importEnv, string importPath)
    {
        var source = importEnv.Find(importPath);
        if (source is null) return;
        var env = tree.EnvironmentOf(folder.Id)!;
        if (await ImportStore.ExistsAsync(conn, tx, source.Id, env.Environment.Id, env.PathOf(folder)))
            throw new BadRequestException("Cyclic import not allowed");
    }

    /// <summary>What the folder shows through its imports changed: subscribers of that folder re-read it.</summary>
    private Task PublishAsync(string projectId, string environment, string path) =>
        events.PublishAsync([new ProjectEvent(projectId, ProjectEventNames.ImportMutation, environment, path, null, null,
            ApiJson.FormatTime(time.GetUtcNow().UtcDateTime))]);
}
