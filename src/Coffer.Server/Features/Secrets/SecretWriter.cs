using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Events;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.SecretTags;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// Creates, updates and deletes secrets, one or many, with Infisical's checks in Infisical's order. Each call is one
/// transaction: the rows, their history, tags, the folder's change time, the project's content version and the audit
/// event land together or not at all. Values are sealed before they reach the database and never appear in errors.
/// </summary>
public sealed class SecretWriter(Db db, PermissionService permissions, ProjectContentCache content, ProjectKeyRing keys, ProjectEventBus projectEvents,
    TimeProvider time)
{
    public async Task<SecretView> CreateAsync(Actor actor, AuditContext audit, CreateSecretRequest req)
    {
        var (at, name, type, input) = (req.At, req.Name, req.Type, req.Input);
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        var now = UnixMs.Now(time);
        var view = await keys.WithSealingKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var folder = await FolderAsync(conn, tx, at, "CreateSecret");
            if (type == SecretTypes.Personal && actor.IsIdentity) throw new BadRequestException("Must be user to create personal secret");
            var shared = await SecretStore.FindAsync(conn, folder.Id, name, SecretTypes.Shared, null, tx);
            if (type == SecretTypes.Shared && shared is not null) throw new BadRequestException("Secret already exists");
            if (type == SecretTypes.Personal && shared is null)
                throw new BadRequestException("Failed to create personal secret override for no corresponding shared secret");
            var tags = await TagsAsync(conn, tx, at.ProjectId, input.TagIds);
            access.Require(PermissionAction.Create, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, at.Path, name, Slugs(tags)));
            await ValidateReferencesAsync(conn, tx, access.Permissions, at, input.Value);

            var row = NewRow(key, at.ProjectId, folder.Id, name, type, type == SecretTypes.Personal ? actor.Id : null, input, now);
            await InsertAsync(conn, tx, row, tags, actor);
            await FinishAsync(conn, tx, key, at.ProjectId, [folder.Id], now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-secret", SecretEvent(at, row), access.Project.OrgId, at.ProjectId), now);
            return SecretFields.View(key, row, at.Environment, at.Path, hidden: false);
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretCreate, [view]);
        return view;
    }

    public async Task<SecretView> UpdateAsync(Actor actor, AuditContext audit, UpdateSecretRequest req)
    {
        var (at, name, type, input) = (req.At, req.Name, req.Type, req.Input);
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        if (req.NewName == "") throw new BadRequestException("New secret name cannot be empty");
        var now = UnixMs.Now(time);
        var view = await keys.WithSealingKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var folder = await FolderAsync(conn, tx, at, "UpdateSecret");
            if (type == SecretTypes.Personal && actor.IsIdentity) throw new BadRequestException("Must be user to create personal secret");
            if (req.NewName is not null && type == SecretTypes.Personal) throw new BadRequestException("Personal secret cannot change the key name");
            var existing = await SecretStore.FindAsync(conn, folder.Id, name, type, actor.Id, tx)
                ?? throw new NotFoundException(type == SecretTypes.Personal
                    ? $"Personal secret with name {name} not found"
                    : $"Secret with name {name} not found");
            var shared = type == SecretTypes.Shared;
            if (shared)
                access.Require(PermissionAction.Edit, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, at.Path, name, existing.TagSlugs));
            var newTags = await TagsAsync(conn, tx, at.ProjectId, input.TagIds);
            var tagsToCheck = input.TagIds is null ? existing.TagSlugs : Slugs(newTags);
            if (shared)
                access.Require(PermissionAction.Edit, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, at.Path, name, tagsToCheck));
            if (req.NewName is not null && req.NewName != name)
            {
                if (await SecretStore.FindAsync(conn, folder.Id, req.NewName, SecretTypes.Shared, null, tx) is not null)
                    throw new BadRequestException("Secret with the new name already exists");
                access.Require(PermissionAction.Edit, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, at.Path, req.NewName, tagsToCheck));
            }
            if (shared)
            {
                var before = new LocatedSecret(existing, at.Environment, at.Path);
                AffectedSecrets.RequireNoGain(access, before, before with { Name = req.NewName ?? name, Tags = tagsToCheck });
            }
            await ValidateReferencesAsync(conn, tx, access.Permissions, at, input.Value);

            var row = Reseal(key, existing, req.NewName, input, now);
            await UpdateRowAsync(conn, tx, row, input.TagIds is null ? null : newTags, actor);
            var touched = new List<string> { folder.Id };
            if (shared && row.Key != name) touched.AddRange(await RewriteReferencesAsync(conn, tx, key, access, at, row, name, now));
            await FinishAsync(conn, tx, key, at.ProjectId, touched, now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-secret", SecretEvent(at, row), access.Project.OrgId, at.ProjectId), now);
            var hidden = !access.Permissions.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret(at.Environment, at.Path, name, tagsToCheck));
            return SecretFields.View(key, row, at.Environment, at.Path, hidden);
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretUpdate, [view]);
        return view;
    }

    public async Task<SecretView> DeleteAsync(Actor actor, AuditContext audit, DeleteSecretRequest req)
    {
        var (at, name, type) = (req.At, req.Name, req.Type);
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        var now = UnixMs.Now(time);
        var view = await keys.WithKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var folder = await FolderAsync(conn, tx, at, "DeleteSecret");
            if (type == SecretTypes.Personal && actor.IsIdentity) throw new BadRequestException("Must be user to delete personal secret");
            var existing = await SecretStore.FindAsync(conn, folder.Id, name, type, actor.Id, tx) ?? throw new NotFoundException("Secret not found");
            var fields = SubjectFields.Secret(at.Environment, at.Path, existing.Key, existing.TagSlugs);
            if (!existing.IsPersonal) access.Require(PermissionAction.Delete, ProjectSubject.Secrets, fields);
            await DeleteRowsAsync(conn, tx, folder.Id, [existing]);
            await FinishAsync(conn, tx, null, at.ProjectId, [folder.Id], now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-secret", SecretEvent(at, existing), access.Project.OrgId, at.ProjectId), now);
            return SecretFields.View(key, existing, at.Environment, at.Path, !access.Permissions.CanAccessSecret(PermissionAction.ReadValue, fields));
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretDelete, [view]);
        return view;
    }

    public async Task<List<SecretView>> CreateManyAsync(Actor actor, AuditContext audit, SecretLocation at, IReadOnlyList<BatchCreateItem> items)
    {
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        var now = UnixMs.Now(time);
        var views = await keys.WithSealingKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var folder = await FolderAsync(conn, tx, at, "CreateManySecret");
            var names = items.Select(i => i.Name).ToList();
            var existing = await SecretStore.FindSharedAsync(conn, folder.Id, names, tx);
            var duplicates = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
            var taken = existing.Select(e => e.Key).Concat(duplicates).Distinct(StringComparer.Ordinal).ToList();
            if (taken.Count > 0) throw new BadRequestException($"Secret already exists: {string.Join(",", taken)}");
            var allTags = await TagsAsync(conn, tx, at.ProjectId, items.SelectMany(i => i.Input.TagIds ?? []).Distinct(StringComparer.Ordinal).ToList());
            foreach (var item in items)
                access.Require(PermissionAction.Create, ProjectSubject.Secrets,
                    SubjectFields.Secret(at.Environment, at.Path, item.Name, Slugs(Pick(allTags, item.Input.TagIds))));
            foreach (var item in items) await ValidateReferencesAsync(conn, tx, access.Permissions, at, item.Input.Value);

            var result = new List<SecretView>();
            var events = new JsonArray();
            foreach (var item in items)
            {
                var row = NewRow(key, at.ProjectId, folder.Id, item.Name, SecretTypes.Shared, null, item.Input, now);
                await InsertAsync(conn, tx, row, Pick(allTags, item.Input.TagIds), actor);
                events.Add(new JsonObject { ["secretId"] = row.Id, ["secretKey"] = row.Key, ["secretVersion"] = row.Version });
                result.Add(SecretFields.View(key, row, at.Environment, at.Path, Hidden(access, at.Environment, at.Path, row)));
            }
            await FinishAsync(conn, tx, key, at.ProjectId, [folder.Id], now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-secrets", BatchEvent(at, events), access.Project.OrgId, at.ProjectId), now);
            return result;
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretCreate, views);
        return views;
    }

    public async Task<List<SecretView>> UpdateManyAsync(Actor actor, AuditContext audit, SecretLocation at, string mode, IReadOnlyList<BatchUpdateItem> items)
    {
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        var now = UnixMs.Now(time);
        var views = await keys.WithSealingKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, at.ProjectId, tx);
            var env = tree.Environment(at.Environment)
                ?? throw new NotFoundException($"Environment with slug '{at.Environment}' in project with ID '{at.ProjectId}' not found");
            var byPath = items.GroupBy(i => i.Path ?? at.Path, StringComparer.Ordinal).ToList();
            var folders = new List<(FolderRow Folder, string Path, List<BatchUpdateItem> Items)>();
            foreach (var group in byPath)
            {
                var folder = env.Find(group.Key)
                    ?? throw new NotFoundException($"Folder with path '{group.Key}' in environment with slug '{at.Environment}' not found", "UpdateManySecret");
                folders.Add((folder, group.Key, group.ToList()));
            }

            var result = new List<SecretView>();
            var rewritten = new List<string>();
            var updatedEvents = new JsonArray();
            var createdEvents = new JsonArray();
            foreach (var (folder, path, group) in folders)
            {
                var existing = (await SecretStore.FindSharedAsync(conn, folder.Id, group.Select(i => i.Name).ToList(), tx))
                    .ToDictionary(r => r.Key, StringComparer.Ordinal);
                var missing = group.Where(i => !existing.ContainsKey(i.Name)).Select(i => i.Name).ToList();
                if (missing.Count > 0 && mode == BatchUpdateModes.FailOnNotFound)
                    throw new NotFoundException($"Secret does not exist: {string.Join(", ", missing)} in path {env.PathOf(folder)}");
                foreach (var row in existing.Values)
                    access.Require(PermissionAction.Edit, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, path, row.Key, row.TagSlugs));
                var toUpdate = group.Where(i => existing.ContainsKey(i.Name)).ToList();
                var toCreate = mode == BatchUpdateModes.Upsert ? group.Where(i => !existing.ContainsKey(i.Name)).ToList() : [];
                var tags = await TagsAsync(conn, tx, at.ProjectId,
                    toUpdate.Concat(toCreate).SelectMany(i => i.Input.TagIds ?? []).Distinct(StringComparer.Ordinal).ToList(), "Tag not found");
                foreach (var item in toCreate)
                    access.Require(PermissionAction.Create, ProjectSubject.Secrets,
                        SubjectFields.Secret(at.Environment, path, item.Name, Slugs(Pick(tags, item.Input.TagIds))));
                foreach (var item in toUpdate)
                    access.Require(PermissionAction.Edit, ProjectSubject.Secrets,
                        SubjectFields.Secret(at.Environment, path, item.Name, TagsAfter(existing[item.Name], tags, item.Input.TagIds)));
                var renames = toUpdate.Where(i => !string.IsNullOrEmpty(i.NewName) && i.NewName != i.Name).ToList();
                if (renames.Count > 0)
                {
                    var clashes = await SecretStore.FindSharedAsync(conn, folder.Id, renames.Select(i => i.NewName!).ToList(), tx);
                    if (clashes.Count > 0)
                        throw new BadRequestException($"Secret with new name already exists: {string.Join(", ", renames.Select(i => i.NewName))}");
                    foreach (var item in renames)
                        access.Require(PermissionAction.Create, ProjectSubject.Secrets,
                            SubjectFields.Secret(at.Environment, path, item.NewName!, TagsAfter(existing[item.Name], tags, item.Input.TagIds)));
                }
                // Each updated secret under the name and tags it ends up with, against what it was.
                foreach (var item in toUpdate)
                {
                    var before = new LocatedSecret(existing[item.Name], at.Environment, path);
                    AffectedSecrets.RequireRelabel(access, before, before with
                    {
                        Name = string.IsNullOrEmpty(item.NewName) ? before.Name : item.NewName,
                        Tags = TagsAfter(existing[item.Name], tags, item.Input.TagIds),
                    });
                }
                var location = at with { Path = path };
                foreach (var item in toUpdate.Concat(toCreate)) await ValidateReferencesAsync(conn, tx, access.Permissions, location, item.Input.Value);

                foreach (var item in toUpdate)
                {
                    var row = Reseal(key, existing[item.Name], string.IsNullOrEmpty(item.NewName) ? null : item.NewName, item.Input, now);
                    await UpdateRowAsync(conn, tx, row, item.Input.TagIds is null ? null : Pick(tags, item.Input.TagIds), actor);
                    if (row.Key != item.Name) rewritten.AddRange(await RewriteReferencesAsync(conn, tx, key, access, at with { Path = path }, row, item.Name, now));
                    updatedEvents.Add(new JsonObject { ["secretId"] = row.Id, ["secretPath"] = path, ["secretKey"] = row.Key, ["secretVersion"] = row.Version });
                    result.Add(SecretFields.View(key, row, at.Environment, path, Hidden(access, at.Environment, path, row)));
                }
                foreach (var item in toCreate)
                {
                    var row = NewRow(key, at.ProjectId, folder.Id, item.Name, SecretTypes.Shared, null, item.Input, now);
                    await InsertAsync(conn, tx, row, Pick(tags, item.Input.TagIds), actor);
                    createdEvents.Add(new JsonObject { ["secretId"] = row.Id, ["secretPath"] = path, ["secretKey"] = row.Key, ["secretVersion"] = row.Version });
                    result.Add(SecretFields.View(key, row, at.Environment, path, Hidden(access, at.Environment, path, row)));
                }
            }
            await FinishAsync(conn, tx, key, at.ProjectId, [.. folders.Select(f => f.Folder.Id), .. rewritten], now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("update-secrets", BatchEvent(at, updatedEvents), access.Project.OrgId, at.ProjectId), now);
            if (createdEvents.Count > 0)
                await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("create-secrets", BatchEvent(at, createdEvents), access.Project.OrgId, at.ProjectId), now);
            return result;
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretUpdate, views);
        return views;
    }

    public async Task<List<SecretView>> DeleteManyAsync(Actor actor, AuditContext audit, SecretLocation at, IReadOnlyList<BatchDeleteItem> items)
    {
        var access = await permissions.ForProjectAsync(actor, at.ProjectId);
        var now = UnixMs.Now(time);
        var views = await keys.WithKeysAsync(at.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var folder = await FolderAsync(conn, tx, at, "DeleteManySecret");
            var found = await SecretStore.FindSharedAsync(conn, folder.Id, items.Select(i => i.Name).ToList(), tx);
            var missing = items.Select(i => i.Name).Where(n => !found.Any(f => f.Key == n)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0) throw new NotFoundException($"One or more secrets does not exist: {string.Join(", ", missing)}");
            foreach (var row in found)
                access.Require(PermissionAction.Delete, ProjectSubject.Secrets, SubjectFields.Secret(at.Environment, at.Path, row.Key, row.TagSlugs));
            await DeleteRowsAsync(conn, tx, folder.Id, found);
            await FinishAsync(conn, tx, null, at.ProjectId, [folder.Id], now);
            var events = new JsonArray([.. found.Select(r => (JsonNode)new JsonObject { ["secretId"] = r.Id, ["secretKey"] = r.Key, ["secretVersion"] = r.Version })]);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("delete-secrets", BatchEvent(at, events), access.Project.OrgId, at.ProjectId), now);
            return found.Select(r => SecretFields.View(key, r, at.Environment, at.Path, Hidden(access, at.Environment, at.Path, r))).ToList();
        }));
        content.Forget(at.ProjectId);
        await PublishAsync(ProjectEventNames.SecretDelete, views);
        return views;
    }

    /// <summary>Infisical's move: create or overwrite the secrets at the destination, then delete them at the source.</summary>
    /// <summary>Tells subscribers of committed changes: names and ids, never values.</summary>
    private Task PublishAsync(string name, IReadOnlyList<SecretView> views)
    {
        CofferMetrics.Written(name, views.Count);
        var at = ApiJson.FormatTime(time.GetUtcNow().UtcDateTime);
        return projectEvents.PublishAsync([.. views.Select(v =>
            new ProjectEvent(v.Workspace, name, v.Environment, v.SecretPath, v.Key, v.Id, at, [.. v.Tags.Select(t => t.Slug)]))]);
    }

    public async Task<(bool SourceUpdated, bool DestinationUpdated)> MoveAsync(Actor actor, AuditContext audit, MoveSecretsRequest req)
    {
        var access = await permissions.ForProjectAsync(actor, req.ProjectId);
        var now = UnixMs.Now(time);
        var moved = await keys.WithSealingKeysAsync(req.ProjectId, key => db.WriteAsync(async (conn, tx) =>
        {
            var tree = await SecretStore.LoadTreeAsync(conn, req.ProjectId, tx);
            var source = tree.Find(req.SourceEnvironment, req.SourcePath)
                ?? throw new NotFoundException($"Source folder with path '{req.SourcePath}' in environment with slug '{req.SourceEnvironment}' not found");
            var destination = tree.Find(req.DestinationEnvironment, req.DestinationPath)
                ?? throw new NotFoundException(
                    $"Destination folder with path '{req.DestinationPath}' in environment with slug '{req.DestinationEnvironment}' not found");
            var moving = new List<SecretRow>();
            foreach (var id in req.SecretIds.Distinct(StringComparer.Ordinal))
                if (await SecretStore.FindByIdAsync(conn, id, tx) is { IsPersonal: false } row
                    && string.Equals(row.ProjectId, req.ProjectId, StringComparison.Ordinal))
                    moving.Add(row);
            foreach (var row in moving)
            {
                var fields = SubjectFields.Secret(req.SourceEnvironment, req.SourcePath, row.Key, row.TagSlugs);
                access.Require(PermissionAction.Delete, ProjectSubject.Secrets, fields);
                access.Permissions.RequireSecretAccess(PermissionAction.ReadValue, fields);
                access.Permissions.RequireSecretAccess(PermissionAction.DescribeSecret, fields);
            }
            if (moving.Count != req.SecretIds.Count || moving.Any(r => r.FolderId != source.Id)) throw new BadRequestException("Invalid secrets");

            // Every moved row may land as a new secret or overwrite one, so both are checked at the destination before
            // the split, and a row it would overwrite is checked as it stands now (its own tags).
            foreach (var row in moving)
            {
                var fields = SubjectFields.Secret(req.DestinationEnvironment, req.DestinationPath, row.Key, row.TagSlugs);
                access.Require(PermissionAction.Create, ProjectSubject.Secrets, fields);
                access.Require(PermissionAction.Edit, ProjectSubject.Secrets, fields);
            }
            var atDestination = (await SecretStore.ListByFoldersAsync(conn, [destination.Id], tx))
                .Where(r => !r.IsPersonal).ToDictionary(r => r.Key, StringComparer.Ordinal);
            foreach (var row in moving)
                if (atDestination.TryGetValue(row.Key, out var overwritten))
                    access.Require(PermissionAction.Edit, ProjectSubject.Secrets,
                        SubjectFields.Secret(req.DestinationEnvironment, req.DestinationPath, overwritten.Key, overwritten.TagSlugs));
            var toCreate = moving.Where(r => !atDestination.ContainsKey(r.Key)).ToList();
            var toUpdate = moving.Where(r => atDestination.TryGetValue(r.Key, out var d) && SecretFields.Value(key, d) != SecretFields.Value(key, r)).ToList();
            if (toUpdate.Count > 0 && !req.ShouldOverwrite)
                throw new BadRequestException(
                    $"Failed to move secrets. The following secrets already exist in the destination: {string.Join(",", toUpdate.Select(r => r.Key))}");
            if (toCreate.Count + toUpdate.Count == 0) throw new BadRequestException("Selected secrets already exist in the destination.");

            var changes = new List<(string Name, string Environment, string Path, SecretRow Row)>();
            foreach (var row in toCreate)
            {
                var copy = NewRow(key, req.ProjectId, destination.Id, row.Key, SecretTypes.Shared, null, Decrypted(key, row), now);
                await InsertAsync(conn, tx, copy, row.Tags.Select(t => new TagRow { Id = t.Id, Slug = t.Slug, Color = t.Color }).ToList(), actor);
                changes.Add((ProjectEventNames.SecretCreate, req.DestinationEnvironment, req.DestinationPath, copy));
            }
            foreach (var row in toUpdate)
            {
                var input = Decrypted(key, row) with { TagIds = null };
                await UpdateRowAsync(conn, tx, Reseal(key, atDestination[row.Key], null, input, now), null, actor);
                changes.Add((ProjectEventNames.SecretUpdate, req.DestinationEnvironment, req.DestinationPath, atDestination[row.Key]));
            }
            changes.AddRange(moving.Select(r => (ProjectEventNames.SecretDelete, req.SourceEnvironment, req.SourcePath, r)));
            await DeleteRowsAsync(conn, tx, source.Id, moving);
            await FinishAsync(conn, tx, key, req.ProjectId, [source.Id, destination.Id], now);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent("move-secrets", new JsonObject
            {
                ["sourceEnvironment"] = req.SourceEnvironment,
                ["sourceSecretPath"] = req.SourcePath,
                ["destinationEnvironment"] = req.DestinationEnvironment,
                ["destinationSecretPath"] = req.DestinationPath,
                ["secretIds"] = new JsonArray([.. req.SecretIds.Select(i => (JsonNode)i)]),
            }, access.Project.OrgId, req.ProjectId), now);
            return changes;
        }));
        content.Forget(req.ProjectId);
        CofferMetrics.Written("secret:move", moved.Count);
        var at = ApiJson.FormatTime(time.GetUtcNow().UtcDateTime);
        await projectEvents.PublishAsync([.. moved.Select(m =>
            new ProjectEvent(req.ProjectId, m.Name, m.Environment, m.Path, m.Row.Key, m.Row.Id, at, m.Row.TagSlugs))]);
        return (true, true);
    }

    private static async Task<FolderRow> FolderAsync(DbConnection conn, DbTransaction tx, SecretLocation at, string errorName)
    {
        var tree = await SecretStore.LoadTreeAsync(conn, at.ProjectId, tx);
        return tree.Find(at.Environment, at.Path)
            ?? throw new NotFoundException($"Folder with path '{at.Path}' in environment with slug '{at.Environment}' not found", errorName);
    }

    /// <summary>The tags named by id, all of which must belong to the project.</summary>
    private static async Task<List<TagRow>> TagsAsync(DbConnection conn, DbTransaction tx, string projectId, IReadOnlyList<string>? tagIds,
        string? message = null)
    {
        if (tagIds is null || tagIds.Count == 0) return [];
        var ids = tagIds.Distinct(StringComparer.Ordinal).ToList();
        var tags = await TagStore.FindManyAsync(conn, projectId, ids, tx);
        if (tags.Count != ids.Count)
            throw new NotFoundException(message ?? $"Tag not found. Found {string.Join(",", tags.Select(t => t.Slug))}");
        return tags;
    }

    private static List<TagRow> Pick(List<TagRow> tags, IReadOnlyList<string>? ids) =>
        ids is null ? [] : tags.Where(t => ids.Contains(t.Id, StringComparer.Ordinal)).ToList();

    private static IReadOnlyList<string> Slugs(IEnumerable<TagRow> tags) => tags.Select(t => t.Slug).ToArray();

    /// <summary>The tags a secret carries after an update: the ones named, or, when none are named, the ones it has.</summary>
    private static IReadOnlyList<string> TagsAfter(SecretRow existing, List<TagRow> tags, IReadOnlyList<string>? tagIds) =>
        tagIds is null ? existing.TagSlugs : Slugs(Pick(tags, tagIds));

    /// <summary>Infisical checks, at write time, that the writer may at least describe every existing secret a new value refers to.</summary>
    private static async Task ValidateReferencesAsync(DbConnection conn, DbTransaction tx, PermissionSet permissions, SecretLocation at, string? value)
    {
        if (value is null || !SecretReferences.Contains(value)) return;
        var tree = await SecretStore.LoadTreeAsync(conn, at.ProjectId, tx);
        foreach (var address in SecretReferences.Addresses(value, at.Environment, at.Path))
        {
            if (tree.Find(address.Environment, address.Path) is not { } folder) continue;
            if (await SecretStore.FindAsync(conn, folder.Id, address.Key, SecretTypes.Shared, null, tx) is not { } target) continue;
            permissions.RequireSecretAccess(PermissionAction.DescribeSecret,
                SubjectFields.Secret(address.Environment, address.Path, address.Key, target.TagSlugs));
        }
    }

    private static SecretRow NewRow(ProjectKeys keys, string projectId, string folderId, string name, string type, string? userId, SecretInput input, long now)
    {
        var id = Ids.New();
        const long version = 1;
        var key = keys.Current;
        return new SecretRow
        {
            Id = id,
            ProjectId = projectId,
            FolderId = folderId,
            Key = name,
            Type = type,
            UserId = userId,
            Version = version,
            EncryptedValue = SecretCrypto.Seal(key, projectId, id, version, SecretCrypto.Value, input.Value ?? ""),
            EncryptedComment = SecretCrypto.SealOptional(key, projectId, id, version, SecretCrypto.Comment, input.Comment),
            EncryptedMetadata = SecretCrypto.SealOptional(key, projectId, id, version, SecretCrypto.Metadata, SecretFields.SerializeMetadata(input.Metadata)),
            SkipMultilineEncoding = input.SkipMultilineEncoding ?? false,
            ReminderNote = input.ReminderNote.Or(null),
            ReminderRepeatDays = input.ReminderRepeatDays.Or(null),
            CreatedAt = now,
            UpdatedAt = now,
            KeyVersion = keys.CurrentVersion,
        };
    }

    /// <summary>The next version of a secret: every sealed field is sealed again, because the version is part of its associated data.</summary>
    private static SecretRow Reseal(ProjectKeys keys, SecretRow old, string? newName, SecretInput input, long now)
    {
        var version = old.Version + 1;
        var value = input.Value ?? SecretFields.Value(keys, old);
        var comment = input.Comment ?? SecretFields.Comment(keys, old);
        var metadata = input.Metadata is not null
            ? SecretFields.SerializeMetadata(input.Metadata)
            : SecretFields.SealedMetadataJson(keys, old);
        var key = keys.Current;
        return new SecretRow
        {
            Id = old.Id,
            ProjectId = old.ProjectId,
            FolderId = old.FolderId,
            Key = newName ?? old.Key,
            Type = old.Type,
            UserId = old.UserId,
            Version = version,
            EncryptedValue = SecretCrypto.Seal(key, old.ProjectId, old.Id, version, SecretCrypto.Value, value),
            EncryptedComment = SecretCrypto.SealOptional(key, old.ProjectId, old.Id, version, SecretCrypto.Comment, comment),
            EncryptedMetadata = SecretCrypto.SealOptional(key, old.ProjectId, old.Id, version, SecretCrypto.Metadata, metadata),
            SkipMultilineEncoding = input.SkipMultilineEncoding ?? old.SkipMultilineEncoding,
            ReminderNote = input.ReminderNote.Or(old.ReminderNote),
            ReminderRepeatDays = input.ReminderRepeatDays.Or(old.ReminderRepeatDays),
            CreatedAt = old.CreatedAt,
            UpdatedAt = now,
            Tags = old.Tags,
            KeyVersion = keys.CurrentVersion,
        };
    }

    private static SecretInput Decrypted(ProjectKeys key, SecretRow row) => new()
    {
        Value = SecretFields.Value(key, row),
        Comment = row.EncryptedComment is null ? null : SecretFields.Comment(key, row),
        Metadata = SecretFields.Metadata(key, row),
        SkipMultilineEncoding = row.SkipMultilineEncoding,
        ReminderNote = FieldUpdate.Of<string?>(row.ReminderNote),
        ReminderRepeatDays = FieldUpdate.Of<long?>(row.ReminderRepeatDays),
        TagIds = row.Tags.Select(t => t.Id).ToList(),
    };

    private static async Task InsertAsync(DbConnection conn, DbTransaction tx, SecretRow row, IReadOnlyList<TagRow> tags, Actor actor)
    {
        // Set first: the version row records the tags the secret carries.
        row.Tags = TagRefs(tags);
        try
        {
            await SecretStore.InsertAsync(conn, tx, row, new SecretActor(actor.TypeName, actor.Id));
        }
        catch (Exception ex) when (UniqueViolation.Is(ex))
        {
            throw new BadRequestException("Secret already exists");
        }
        if (tags.Count > 0) await SecretStore.SetTagsAsync(conn, tx, row.Id, tags.Select(t => t.Id).ToList());
    }

    private static async Task UpdateRowAsync(DbConnection conn, DbTransaction tx, SecretRow row, IReadOnlyList<TagRow>? tags, Actor actor)
    {
        if (tags is not null) row.Tags = TagRefs(tags);
        try
        {
            await SecretStore.UpdateAsync(conn, tx, row, new SecretActor(actor.TypeName, actor.Id));
        }
        catch (Exception ex) when (UniqueViolation.Is(ex))
        {
            throw new BadRequestException("Secret with the new name already exists");
        }
        if (tags is not null) await SecretStore.SetTagsAsync(conn, tx, row.Id, tags.Select(t => t.Id).ToList());
    }

    private static TagRef[] TagRefs(IReadOnlyList<TagRow> tags) =>
        tags.Select(t => new TagRef(t.Id, t.Slug, t.Color)).OrderBy(t => t.Slug, StringComparer.Ordinal).ToArray();

    /// <summary>Deleting a shared secret deletes every personal override of its name in the folder, as in Infisical.</summary>
    private static async Task DeleteRowsAsync(DbConnection conn, DbTransaction tx, string folderId, IReadOnlyList<SecretRow> rows)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var sharedKeys = rows.Where(r => !r.IsPersonal).Select(r => r.Key).ToList();
        ids.AddRange((await SecretStore.FindPersonalOverridesAsync(conn, tx, folderId, sharedKeys)).Select(r => r.Id));
        await SecretStore.DeleteAsync(conn, tx, ids.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Infisical's <c>fnUpdateSecretLinkedReferences</c>: after a shared secret is renamed, every secret that referred to it
    /// (<c>${OLD}</c> in its folder, <c>${env.path.OLD}</c> anywhere in the project) is rewritten to the new name, as a new
    /// version by the "platform" actor. Unlike Infisical, each rewritten secret is a write by the actor: it must be one
    /// the actor may edit (as it stands: environment, path, name, tags) and its new value passes the write-time reference
    /// check, or the whole rename is refused. Returns the folders that changed.
    /// </summary>
    private static async Task<List<string>> RewriteReferencesAsync(DbConnection conn, DbTransaction tx, ProjectKeys key, ProjectAccess access,
        SecretLocation at, SecretRow renamed, string oldName, long now)
    {
        var pathPart = at.Path == "/" ? "" : "." + string.Join('.', Folders.SecretPath.Segments(at.Path));
        var oldNested = "${" + at.Environment + pathPart + "." + oldName + "}";
        var newNested = "${" + at.Environment + pathPart + "." + renamed.Key + "}";
        var rewrites = new List<(SecretRow Row, SecretLocation At, string Value)>();
        ProjectTree? tree = null;
        foreach (var row in await SecretStore.ListByProjectAsync(conn, tx, at.ProjectId))
        {
            if (row.Id == renamed.Id) continue;
            var value = SecretFields.Value(key, row);
            if (!value.Contains("${", StringComparison.Ordinal)) continue;
            var rewritten = value.Replace(oldNested, newNested, StringComparison.Ordinal);
            if (row.FolderId == renamed.FolderId)
                rewritten = rewritten.Replace("${" + oldName + "}", "${" + renamed.Key + "}", StringComparison.Ordinal);
            if (rewritten == value) continue;
            tree ??= await SecretStore.LoadTreeAsync(conn, at.ProjectId, tx);
            var env = tree.EnvironmentOf(row.FolderId)!;
            rewrites.Add((row, new SecretLocation(at.ProjectId, env.Environment.Slug, env.PathOf(env.ById(row.FolderId)!)), rewritten));
        }

        var refused = rewrites.Where(r => !access.Can(PermissionAction.Edit, ProjectSubject.Secrets,
            SubjectFields.Secret(r.At.Environment, r.At.Path, r.Row.Key, r.Row.TagSlugs))).ToList();
        if (refused.Count > 0) throw RenameRefused(access, oldName, refused.Select(r => (r.Row, r.At)).ToList());
        foreach (var (_, location, value) in rewrites) await ValidateReferencesAsync(conn, tx, access.Permissions, location, value);

        foreach (var (row, _, value) in rewrites)
            await SecretStore.UpdateAsync(conn, tx, Reseal(key, row, null, new SecretInput { Value = value }, now), SecretActor.Platform);
        return rewrites.Select(r => r.Row.FolderId).ToList();
    }

    /// <summary>
    /// The refusal names the secrets the caller may see and only counts the others, so a refused rename does not
    /// reveal names the caller could not list.
    /// </summary>
    private static ForbiddenException RenameRefused(ProjectAccess access, string oldName, List<(SecretRow Row, SecretLocation At)> refused)
    {
        var visible = refused
            .Where(r => access.Permissions.CanAccessSecret(PermissionAction.DescribeSecret,
                SubjectFields.Secret(r.At.Environment, r.At.Path, r.Row.Key, r.Row.TagSlugs)))
            .Select(r => $"{r.At.Environment}:{r.At.Path}{(r.At.Path == "/" ? "" : "/")}{r.Row.Key}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var hidden = refused.Count - visible.Count;
        if (hidden > 0) visible.Add(hidden == 1 ? "1 secret you cannot see" : $"{hidden} secrets you cannot see");
        return new ForbiddenException(
            $"Renaming secret '{oldName}' would rewrite references to it in secrets you are not allowed to edit: {string.Join(", ", visible)}",
            "PermissionDenied");
    }

    /// <param name="sealedWith">The keys the write sealed with, or null when it sealed nothing (a delete).</param>
    private static async Task FinishAsync(DbConnection conn, DbTransaction tx, ProjectKeys? sealedWith, string projectId,
        IReadOnlyCollection<string> folderIds, long now)
    {
        await SecretStore.TouchFoldersAsync(conn, tx, folderIds, now);
        // The bump first: it orders this write against a data-key rotation starting (see RequireCurrentAsync).
        await ProjectContentVersion.BumpAsync(conn, tx, projectId);
        if (sealedWith is not null) await ProjectKeyRing.RequireCurrentAsync(conn, tx, sealedWith);
    }

    private static bool Hidden(ProjectAccess access, string environment, string path, SecretRow row) =>
        !access.Permissions.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret(environment, path, row.Key, row.TagSlugs));

    private static JsonObject SecretEvent(SecretLocation at, SecretRow row)
    {
        var metadata = new JsonObject
        {
            ["environment"] = at.Environment,
            ["secretPath"] = at.Path,
            ["secretId"] = row.Id,
            ["secretKey"] = row.Key,
            ["secretVersion"] = row.Version,
        };
        if (row.Tags.Count > 0) metadata["secretTags"] = new JsonArray([.. row.Tags.Select(t => (JsonNode)t.Slug)]);
        return metadata;
    }

    private static JsonObject BatchEvent(SecretLocation at, JsonArray secrets) => new()
    {
        ["environment"] = at.Environment,
        ["secretPath"] = at.Path,
        ["secrets"] = secrets,
    };
}
