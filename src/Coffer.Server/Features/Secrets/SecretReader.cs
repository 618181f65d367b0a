using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Folders;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Secrets;

public sealed record ListSecretsRequest(
    string ProjectId,
    string Environment,
    string Path,
    bool ViewSecretValue,
    bool Expand,
    bool Recursive,
    bool IncludeImports,
    IReadOnlyList<string> TagSlugs,
    IReadOnlyList<(string Key, string Value)> MetadataFilter,
    PersonalOverrides PersonalOverrides = PersonalOverrides.Both);

/// <summary>What a list does with the caller's personal overrides (<c>includePersonalOverrides</c>).</summary>
public enum PersonalOverrides
{
    /// <summary>Not asked: the shared row and the caller's override both, as Infisical's v3 list and older CLIs expect.</summary>
    Both,

    /// <summary><c>true</c>: the override replaces its shared secret — one key, as the CLI since 0.43.99 expects.</summary>
    Priority,

    /// <summary><c>false</c>: shared rows only.</summary>
    Never,
}

public sealed record ListSecretsResult(List<SecretView> Secrets, List<ImportedGroup> Imports);

public sealed record GetSecretRequest(
    string ProjectId,
    string Environment,
    string Path,
    string Name,
    string Type,
    long? Version,
    bool ViewSecretValue,
    bool Expand,
    bool IncludeImports);

/// <summary>
/// Secret reads with Infisical's permission semantics: <c>describeSecret</c> to see a secret at all, <c>readValue</c>
/// (or the legacy <c>read</c>) to see its value. Reads never write: audit events go through the batcher.
/// </summary>
public sealed class SecretReader(Db db, PermissionService permissions, ProjectContentCache contentCache, ProjectKeyRing keys, AuditBatcher auditBatcher)
{
    public Task<ListSecretsResult> ListAsync(Actor actor, AuditContext audit, ListSecretsRequest req) =>
        keys.WithKeysAsync(req.ProjectId, key => ListAsync(actor, audit, req, key));

    private async Task<ListSecretsResult> ListAsync(Actor actor, AuditContext audit, ListSecretsRequest req, ProjectKeys? key)
    {
        var access = await permissions.ForProjectAsync(actor, req.ProjectId);
        var perms = access.Permissions;
        perms.RequireSecretAccess(PermissionAction.DescribeSecret);
        var content = await contentCache.GetAsync(req.ProjectId, actor);
        var env = content.Tree.Environment(req.Environment);

        List<(FolderRow Folder, string Path)> folders;
        if (req.Recursive)
        {
            if (env is null)
                throw new NotFoundException($"Environment with slug '{req.Environment}' in project with ID {req.ProjectId} not found");
            folders = env.Root is null ? [] : env.SelfAndDescendants(env.Root)
                .Select(f => (f, env.PathOf(f)))
                .Where(p => SecretPath.IsSameOrBelow(p.Item2, req.Path))
                .ToList();
        }
        else
        {
            folders = env?.Find(req.Path) is { } folder ? [(folder, req.Path)] : [];
        }
        if (folders.Count == 0)
            throw new NotFoundException(
                $"Folder with path '{req.Path}' in environment '{req.Environment}' was not found. Please ensure the environment slug and secret path is correct.",
                "SecretPathNotFound");

        var rowsByFolder = await content.SecretsAsync(folders.Select(f => f.Folder.Id).ToList());
        var expander = new ReferenceExpander(content, key, perms, rowsByFolder.Values.Sum(rows => rows.Count));
        var secrets = new List<SecretView>();
        foreach (var (folder, path) in folders)
        {
            foreach (var row in rowsByFolder[folder.Id])
            {
                if (row.IsPersonal && (req.PersonalOverrides == PersonalOverrides.Never || !OwnedBy(row, actor))) continue;
                if (req.TagSlugs.Count > 0 && !HasAnyTag(row, req.TagSlugs)) continue;
                var fields = SubjectFields.Secret(req.Environment, path, row.Key, row.TagSlugs);
                if (!perms.CanAccessSecret(PermissionAction.DescribeSecret, fields)) continue;
                var canRead = perms.CanAccessSecret(PermissionAction.ReadValue, fields);
                if (req.ViewSecretValue && !canRead)
                {
                    // Infisical drops unreadable secrets of sub-folders but refuses the whole request for the folder asked for.
                    if (path != req.Path) continue;
                    perms.RequireSecretAccess(PermissionAction.ReadValue, fields);
                }
                var view = SecretFields.View(key, row, req.Environment, path, hidden: !req.ViewSecretValue || !canRead);
                if (req.MetadataFilter.Count > 0 && !HasAllMetadata(view, req.MetadataFilter)) continue;
                if (!view.ValueHidden && key is not null) expander.Remember(row, view.Value);
                secrets.Add(view);
            }
        }

        if (req.PersonalOverrides == PersonalOverrides.Priority) DropOverridden(secrets);

        if (req.Expand)
        {
            var denied = new List<string>();
            foreach (var view in secrets)
            {
                if (view.ValueHidden) continue;
                try
                {
                    view.Value = await expander.ExpandAsync(new SecretAddress(req.Environment, view.SecretPath, view.Key), view.Value, view.SkipMultilineEncoding);
                }
                catch (ReferenceDeniedException ex)
                {
                    denied.Add(ex.Message);
                }
            }
            if (denied.Count > 0)
                throw new ForbiddenException("Failed to expand one or more secret references", "ForbiddenError",
                    new JsonArray([.. denied.Select(d => (JsonNode)d)]));
        }

        var imports = new List<ImportedGroup>();
        if (req.IncludeImports)
        {
            var importRows = await content.ImportsAsync(folders.Select(f => f.Folder.Id).ToList());
            imports = await ImportedSecrets.ResolveAsync(content, key, folders.SelectMany(f => importRows[f.Folder.Id]).ToList(), req.ViewSecretValue,
                (e, p, k, tags) =>
                {
                    var fields = SubjectFields.Secret(e, p, k, tags);
                    var describe = perms.CanAccessSecret(PermissionAction.DescribeSecret, fields);
                    return req.ViewSecretValue ? describe && perms.CanAccessSecret(PermissionAction.ReadValue, fields) : describe;
                });
            if (req.Expand) await ExpandImportsAsync(imports, expander);
        }

        auditBatcher.Enqueue(audit, new AuditEvent("get-secrets", new JsonObject
        {
            ["environment"] = req.Environment,
            ["secretPath"] = req.Path,
            ["numberOfSecrets"] = secrets.Count,
        }, access.Project.OrgId, req.ProjectId));
        return new ListSecretsResult(secrets, imports);
    }

    /// <summary>Removes each shared secret the caller overrides in the same folder, keeping the override in the list.</summary>
    private static void DropOverridden(List<SecretView> secrets)
    {
        HashSet<(string Path, string Key)>? overridden = null;
        foreach (var view in secrets)
        {
            if (view.Type == SecretTypes.Personal) (overridden ??= []).Add((view.SecretPath, view.Key));
        }
        if (overridden is not null)
            secrets.RemoveAll(v => v.Type != SecretTypes.Personal && overridden.Contains((v.SecretPath, v.Key)));
    }

    public Task<SecretView> GetByNameAsync(Actor actor, AuditContext audit, GetSecretRequest req) =>
        keys.WithKeysAsync(req.ProjectId, key => GetByNameAsync(actor, audit, req, key));

    private async Task<SecretView> GetByNameAsync(Actor actor, AuditContext audit, GetSecretRequest req, ProjectKeys? key)
    {
        var access = await permissions.ForProjectAsync(actor, req.ProjectId);
        var perms = access.Permissions;
        var content = await contentCache.GetAsync(req.ProjectId, actor);
        var folder = content.Tree.Find(req.Environment, req.Path)
            ?? throw new NotFoundException($"Folder with path '{req.Path}' in environment with slug '{req.Environment}' not found", "GetSecretByName");
        var userId = req.Type == SecretTypes.Personal ? actor.Id : null;

        var row = (await content.SecretsAsync(folder.Id)).FirstOrDefault(r =>
            r.Key == req.Name && r.Type == req.Type && (req.Type == SecretTypes.Shared || r.UserId == userId));
        var currentTags = row?.TagSlugs ?? [];
        var fields = SubjectFields.Secret(req.Environment, req.Path, req.Name, currentTags);
        perms.RequireSecretAccess(PermissionAction.DescribeSecret, fields);

        // A version is a row of this secret's own history, checked as the secret is now and as the version was: a deny
        // on either its current tags or the tags (and name) it had then refuses it.
        var versionFields = fields;
        if (row is not null && req.Version is { } version)
        {
            var found = await db.ReadAsync(conn => SecretStore.FindVersionAsync(conn, row.Id, version))
                ?? throw new NotFoundException($"Secret with name '{req.Name}' not found");
            row = found.Row;
            versionFields = SubjectFields.Secret(req.Environment, req.Path, row.Key, found.TagSlugs ?? currentTags);
            perms.RequireSecretAccess(PermissionAction.DescribeSecret, versionFields);
        }
        var expander = new ReferenceExpander(content, key, perms);

        SecretView view;
        if (row is null)
        {
            view = await FromImportsAsync(content, key, perms, expander, folder, req)
                ?? throw new NotFoundException($"Secret with name '{req.Name}' not found");
        }
        else
        {
            view = SecretFields.View(key, row, req.Environment, req.Path, hidden: false);
            if (req.Expand && req.ViewSecretValue && view.Value.Length > 0)
                view.Value = await ExpandOneAsync(expander, new SecretAddress(req.Environment, req.Path, req.Name), view.Value, row.SkipMultilineEncoding);
            if (!req.ViewSecretValue)
                view = SecretFields.View(key, row, req.Environment, req.Path, hidden: true);
            else if (!(perms.CanAccessSecret(PermissionAction.ReadValue, fields) && perms.CanAccessSecret(PermissionAction.ReadValue, versionFields))
                && req.Type != SecretTypes.Personal)
                throw new ForbiddenException($"You do not have permission to view secret value on secret with name '{req.Name}'",
                    "ForbiddenReadSecretError");
        }

        auditBatcher.Enqueue(audit, new AuditEvent("get-secret", new JsonObject
        {
            ["environment"] = req.Environment,
            ["secretPath"] = req.Path,
            ["secretId"] = view.Id,
            ["secretKey"] = req.Name,
            ["secretVersion"] = view.Version,
        }, access.Project.OrgId, req.ProjectId));
        return view;
    }

    /// <summary>
    /// A shared secret's history (who wrote each version, and when; no values), for anyone who may see the secret as it is
    /// now: the console's version list. Reading a version's value goes through <see cref="GetByNameAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<SecretVersionEntry>> ListVersionsAsync(Actor actor, string projectId, string environment, string path, string name)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        var content = await contentCache.GetAsync(projectId, actor);
        var folder = content.Tree.Find(environment, path)
            ?? throw new NotFoundException($"Folder with path '{path}' in environment with slug '{environment}' not found");
        var row = (await content.SecretsAsync(folder.Id)).FirstOrDefault(r => r.Key == name && r.Type == SecretTypes.Shared)
            ?? throw new NotFoundException($"Secret with name '{name}' not found");
        access.Permissions.RequireSecretAccess(PermissionAction.DescribeSecret, SubjectFields.Secret(environment, path, name, row.TagSlugs ?? []));
        return await db.ReadAsync(conn => SecretStore.ListVersionsAsync(conn, row.Id, 50));
    }

    public async Task<SecretView> GetByIdAsync(Actor actor, string secretId)
    {
        var row = await db.ReadAsync(conn => SecretStore.FindByIdAsync(conn, secretId))
            ?? throw new NotFoundException($"Secret with ID '{secretId}' not found", "GetSecretById");
        var access = await permissions.ForProjectAsync(actor, row.ProjectId);
        var content = await contentCache.GetAsync(row.ProjectId, actor);
        var env = content.Tree.EnvironmentOf(row.FolderId)
            ?? throw new NotFoundException($"Folder with id '{row.FolderId}' not found", "GetSecretById");
        var path = env.PathOf(env.ById(row.FolderId)!);
        access.Permissions.RequireSecretAccess(PermissionAction.ReadValue,
            SubjectFields.Secret(env.Environment.Slug, path, row.Key, row.TagSlugs));
        if (row.IsPersonal && !OwnedBy(row, actor))
            throw new ForbiddenException("You are not allowed to access this secret", "GetSecretById");
        return await keys.WithKeysAsync(row.ProjectId, key => Task.FromResult(SecretFields.View(key, row, env.Environment.Slug, path, hidden: false)));
    }

    private static async Task<SecretView?> FromImportsAsync(ProjectContent content, ProjectKeys? key, PermissionSet perms,
        ReferenceExpander expander, FolderRow folder, GetSecretRequest req)
    {
        if (!req.IncludeImports) return null;
        var imports = (await content.ImportsAsync([folder.Id]))[folder.Id];
        var groups = await ImportedSecrets.ResolveAsync(content, key, imports, req.ViewSecretValue,
            (e, p, k, tags) => perms.CanAccessSecret(PermissionAction.DescribeSecret, SubjectFields.Secret(e, p, k, tags)));
        if (req.Expand && req.ViewSecretValue) await ExpandImportsAsync(groups, expander);
        // The last import wins, as in Infisical.
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            foreach (var (row, imported) in groups[i].Secrets)
            {
                if (row.Key != req.Name) continue;
                if (req.ViewSecretValue
                    && !perms.CanAccessSecret(PermissionAction.ReadValue, SubjectFields.Secret(imported.Environment, groups[i].SecretPath, row.Key, row.TagSlugs))
                    && req.Type != SecretTypes.Personal)
                    throw new ForbiddenException($"You do not have permission to view secret import value on secret with name '{req.Name}'",
                        "ForbiddenReadSecretError");
                return new SecretView
                {
                    Id = imported.Id,
                    Workspace = req.ProjectId,
                    Environment = imported.Environment,
                    SecretPath = groups[i].SecretPath,
                    Version = imported.Version,
                    Type = imported.Type,
                    Key = imported.Key,
                    Value = imported.Value,
                    ValueHidden = !req.ViewSecretValue,
                    Comment = imported.Comment,
                    ReminderNote = imported.ReminderNote,
                    ReminderRepeatDays = imported.ReminderRepeatDays,
                    SkipMultilineEncoding = imported.SkipMultilineEncoding,
                    CreatedAt = row.CreatedAt,
                    UpdatedAt = row.UpdatedAt,
                    Tags = row.Tags,
                    Metadata = imported.Metadata,
                };
            }
        }
        return null;
    }

    /// <summary>Infisical expands imported values best-effort: a reference the caller may not read stays as written.</summary>
    private static async Task ExpandImportsAsync(List<ImportedGroup> groups, ReferenceExpander expander)
    {
        foreach (var group in groups)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            group.Secrets.RemoveAll(s => !seen.Add(s.Row.Key));
            foreach (var (row, view) in group.Secrets)
            {
                if (view.ValueHidden) continue;
                try
                {
                    view.Value = await expander.ExpandAsync(new SecretAddress(group.Environment, group.SecretPath, row.Key), view.Value,
                        row.SkipMultilineEncoding);
                }
                catch (ReferenceDeniedException)
                {
                }
            }
        }
    }

    private static async ValueTask<string> ExpandOneAsync(ReferenceExpander expander, SecretAddress address, string value, bool skipMultiline)
    {
        try
        {
            return await expander.ExpandAsync(address, value, skipMultiline);
        }
        catch (ReferenceDeniedException ex)
        {
            throw new ForbiddenException(ex.Message);
        }
    }

    // Filters as methods, not lambdas in the loop: a lambda capturing the row's view allocated a closure for every row.
    private static bool HasAnyTag(SecretRow row, IReadOnlyList<string> slugs) =>
        row.Tags.Any(t => slugs.Contains(t.Slug, StringComparer.Ordinal));

    private static bool HasAllMetadata(SecretView view, IReadOnlyList<(string Key, string Value)> filter) =>
        filter.All(f => view.Metadata.Any(m => m.Key == f.Key && m.Value == f.Value));

    private static bool OwnedBy(SecretRow row, Actor actor) => !actor.IsIdentity && string.Equals(row.UserId, actor.Id, StringComparison.Ordinal);
}
