using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Features.Folders;
using Coffer.Server.Features.Projects;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// Dynamic secrets (Infisical's dynamic-secret service): the <c>dynamic-secrets</c> project permissions decide, on the
/// folder's environment and path; the provider's connection is checked before anything is stored, and the inputs are
/// stored sealed and shown without their credentials.
/// </summary>
public sealed class DynamicSecretService(
    Db db, PermissionService permissions, ProjectKeyRing keyRing, AuditBatcher auditBatcher, TimeProvider time, DynamicSecretProviders providers,
    LeaseRevocations revocations)
{
    // The fields that decide where the root credentials are sent: an edit that changes one must give them again.
    private static readonly string[] Destination = ["client", "host", "port"];

    public async Task<JsonObject> CreateAsync(Actor actor, AuditContext audit, CreateDynamicSecretRequest request)
    {
        var (access, folder) = await LocateAsync(actor, new DynamicSecretLocation(request.ProjectSlug, request.Environment, request.Path));
        var metadata = MetadataJson(request.Metadata);
        access.Require(PermissionAction.CreateRootCredential, ProjectSubject.DynamicSecrets, Fields(request.Environment, request.Path, metadata));
        if (await db.ReadAsync(conn => DynamicSecretStore.FindAsync(conn, folder.Id, request.Name)) is not null)
            throw new BadRequestException("Provided dynamic secret already exists under the folder");
        var provider = providers.Get(request.Type);
        await CheckConnectionAsync(provider, request.Inputs);
        var now = UnixMs.Now(time);
        var row = await keyRing.WithSealingKeysAsync(access.Project.Id, keys => db.WriteAsync(async (conn, tx) =>
        {
            var row = new DynamicSecretRow
            {
                Id = Ids.New(),
                ProjectId = access.Project.Id,
                FolderId = folder.Id,
                Name = request.Name,
                Type = request.Type,
                Version = 1,
                DefaultTtl = request.DefaultTtl,
                MaxTtl = request.MaxTtl,
                UsernameTemplate = request.UsernameTemplate,
                KeyVersion = keys.CurrentVersion,
                Metadata = metadata,
                CreatedAt = now,
                UpdatedAt = now,
            };
            row = Sealed(row, keys, request.Inputs);
            try
            {
                await DynamicSecretStore.InsertAsync(conn, tx, row);
            }
            catch (Exception ex) when (UniqueViolation.Is(ex))
            {
                throw new BadRequestException("Provided dynamic secret already exists under the folder");
            }
            await ProjectContentVersion.BumpAsync(conn, tx, row.ProjectId);
            await ProjectKeyRing.RequireCurrentAsync(conn, tx, keys);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("create-dynamic-secret", access, row, request.Environment, request.Path,
                new JsonObject { ["defaultTTL"] = row.DefaultTtl, ["maxTTL"] = row.MaxTtl, ["usernameTemplate"] = row.UsernameTemplate }), now);
            return row;
        }));
        return DynamicSecretJson.Secret(row, DynamicSecretInputs.Shown(provider, request.Inputs));
    }

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string name, DynamicSecretChange change)
    {
        var (access, folder) = await LocateAsync(actor, at);
        var existing = await FindAsync(folder, at, name);
        access.Require(PermissionAction.EditRootCredential, ProjectSubject.DynamicSecrets, Fields(at, existing));
        // New metadata must be metadata the caller could have edited under, or a condition on it would be walked out of.
        var newMetadata = change.Metadata is null ? null : MetadataJson(change.Metadata);
        if (newMetadata is not null)
            access.Require(PermissionAction.EditRootCredential, ProjectSubject.DynamicSecrets, Fields(at.Environment, at.Path, newMetadata));
        if (change.NewName is not null && change.NewName != existing.Name
            && await db.ReadAsync(conn => DynamicSecretStore.FindAsync(conn, folder.Id, change.NewName)) is not null)
            throw new BadRequestException("Provided dynamic secret already exists under the folder");
        var provider = providers.Get(existing.Type);
        var stored = await OpenAsync(existing);
        var inputs = stored;
        if (change.Inputs is not null)
        {
            var merged = DynamicSecretInputs.Merge(provider, stored, change.Inputs);
            var read = Input.ForBody(merged, present: true);
            inputs = provider.ReadInputs(read) ?? throw new ValidationException([.. read.Issues]);
            if (provider.SecretFields.Any(f => !DynamicSecretInputs.GivesCredential(change.Inputs, f))
                && Destination.Any(f => !JsonNode.DeepEquals(stored[f], inputs[f])))
                throw new BadRequestException(
                    "Changing where the provider is reached (client, host or port) requires its credentials to be given again");
        }
        await CheckConnectionAsync(provider, inputs);
        var defaultTtl = change.DefaultTtl ?? existing.DefaultTtl;
        var maxTtl = change.MaxTtlSet ? change.MaxTtl : existing.MaxTtl;
        DynamicSecretTtl.RequireDefaultWithinMax(defaultTtl, maxTtl);
        var now = UnixMs.Now(time);
        var updated = await keyRing.WithSealingKeysAsync(existing.ProjectId, keys => db.WriteAsync(async (conn, tx) =>
        {
            var row = new DynamicSecretRow
            {
                Id = existing.Id,
                ProjectId = existing.ProjectId,
                FolderId = existing.FolderId,
                Name = change.NewName ?? existing.Name,
                Type = existing.Type,
                Version = existing.Version + 1,
                DefaultTtl = defaultTtl,
                MaxTtl = maxTtl,
                UsernameTemplate = change.UsernameTemplateSet ? change.UsernameTemplate : existing.UsernameTemplate,
                KeyVersion = keys.CurrentVersion,
                Metadata = newMetadata ?? existing.Metadata,
                CreatedAt = existing.CreatedAt,
                UpdatedAt = now,
            };
            row = Sealed(row, keys, inputs);
            int changed;
            try
            {
                changed = await DynamicSecretStore.UpdateAsync(conn, tx, row, existing.Version);
            }
            catch (Exception ex) when (UniqueViolation.Is(ex))
            {
                throw new BadRequestException("Provided dynamic secret already exists under the folder");
            }
            if (changed == 0) throw new ConflictException("The dynamic secret changed while it was being updated; try again");
            await ProjectContentVersion.BumpAsync(conn, tx, row.ProjectId);
            await ProjectKeyRing.RequireCurrentAsync(conn, tx, keys);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("update-dynamic-secret", access, row, at.Environment, at.Path,
                new JsonObject { ["updatedFields"] = UpdatedFields(change) }), now);
            return row;
        }));
        return DynamicSecretJson.Secret(updated, DynamicSecretInputs.Shown(provider, inputs));
    }

    /// <summary>
    /// Revokes every lease first, then deletes. A lease the provider fails to revoke stops the deletion (the lease shows
    /// why) unless <paramref name="isForced"/>, which deletes whatever the provider says — for users already gone.
    /// </summary>
    public async Task<JsonObject> DeleteAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string name, bool isForced)
    {
        var (access, folder) = await LocateAsync(actor, at);
        var existing = await FindAsync(folder, at, name);
        access.Require(PermissionAction.DeleteRootCredential, ProjectSubject.DynamicSecrets, Fields(at, existing));
        var failures = await revocations.RevokeAllAsync(existing, audit, access.Project.OrgId, isForced);
        if (failures > 0)
            throw new BadRequestException(
                $"Failed to revoke {failures} lease(s) of dynamic secret '{existing.Name}'; their status says why. Retry, or delete with isForced.");
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await DynamicSecretStore.DeleteAsync(conn, tx, existing.Id);
            await ProjectContentVersion.BumpAsync(conn, tx, existing.ProjectId);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("delete-dynamic-secret", access, existing, at.Environment, at.Path, []), now);
        });
        return DynamicSecretJson.Secret(existing);
    }

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string name)
    {
        var (access, folder) = await LocateAsync(actor, at);
        var existing = await FindAsync(folder, at, name);
        // Infisical asks for both: the details include the connection settings an editor works with.
        access.Require(PermissionAction.ReadRootCredential, ProjectSubject.DynamicSecrets, Fields(at, existing));
        access.Require(PermissionAction.EditRootCredential, ProjectSubject.DynamicSecrets, Fields(at, existing));
        var inputs = await OpenAsync(existing);
        auditBatcher.Enqueue(audit, Event("get-dynamic-secret", access, existing, at.Environment, at.Path, []));
        return DynamicSecretJson.Secret(existing, DynamicSecretInputs.Shown(providers.Get(existing.Type), inputs));
    }

    public async Task<JsonArray> ListAsync(Actor actor, AuditContext audit, DynamicSecretLocation at)
    {
        var (access, folder) = await LocateAsync(actor, at);
        var rows = await db.ReadAsync(conn => DynamicSecretStore.ListAsync(conn, folder.Id));
        var shown = rows.Where(r => access.Can(PermissionAction.ReadRootCredential, ProjectSubject.DynamicSecrets, Fields(at, r))).ToList();
        auditBatcher.Enqueue(audit, new AuditEvent("list-dynamic-secrets", new JsonObject
        {
            ["environment"] = at.Environment,
            ["secretPath"] = at.Path,
            ["projectId"] = access.Project.Id,
        }, access.Project.OrgId, access.Project.Id));
        return new JsonArray([.. shown.Select(r => (JsonNode)DynamicSecretJson.Secret(r))]);
    }

    /// <summary>The project of the slug in the caller's organization, the caller's access to it, and the folder at the path.</summary>
    public async Task<(ProjectAccess Access, FolderRow Folder)> LocateAsync(Actor actor, DynamicSecretLocation at)
    {
        var project = await db.ReadAsync(conn => ProjectStore.FindBySlugAsync(conn, actor.OrgId, at.ProjectSlug))
            ?? throw new NotFoundException($"Project with slug '{at.ProjectSlug}' not found");
        var access = await permissions.ForProjectAsync(actor, project.Id);
        var tree = await db.ReadAsync(conn => SecretStore.LoadTreeAsync(conn, project.Id));
        var folder = tree.Find(at.Environment, at.Path)
            ?? throw new NotFoundException($"Folder with path '{at.Path}' in environment '{at.Environment}' not found");
        return (access, folder);
    }

    public async Task<DynamicSecretRow> FindAsync(FolderRow folder, DynamicSecretLocation at, string name) =>
        await db.ReadAsync(conn => DynamicSecretStore.FindAsync(conn, folder.Id, name))
        ?? throw new NotFoundException($"Dynamic secret with name '{name}' in folder '{at.Path}' not found");

    public Task<JsonObject> OpenAsync(DynamicSecretRow row) =>
        keyRing.WithKeysAsync(row.ProjectId, keys => Task.FromResult(DynamicSecretInputs.Open(
            keys ?? throw new InvalidOperationException($"Project {row.ProjectId} holds a dynamic secret but no data key."), row)));

    /// <summary>The fields a dynamic-secrets rule is checked on: where the dynamic secret is, and its metadata.</summary>
    public static SubjectFields Fields(DynamicSecretLocation at, DynamicSecretRow row) => Fields(at.Environment, at.Path, row.Metadata);

    public static SubjectFields Fields(string environment, string path, string metadataJson) =>
        SubjectFields.DynamicSecret(environment, path,
            [.. JsonNode.Parse(metadataJson)!.AsArray().Select(m => KeyValuePair.Create(m!["key"]!.GetValue<string>(), m["value"]!.GetValue<string>()))]);

    public static AuditEvent Event(string type, ProjectAccess access, DynamicSecretRow row, string environment, string path, JsonObject extra)
    {
        var metadata = new JsonObject
        {
            ["dynamicSecretName"] = row.Name,
            ["dynamicSecretType"] = row.Type,
            ["dynamicSecretId"] = row.Id,
            ["environment"] = environment,
            ["secretPath"] = path,
            ["projectId"] = row.ProjectId,
        };
        foreach (var (k, v) in extra) metadata[k] = v?.DeepClone();
        return new AuditEvent(type, metadata, access.Project.OrgId, row.ProjectId);
    }

    private static async Task CheckConnectionAsync(IDynamicSecretProvider provider, JsonObject inputs)
    {
        try
        {
            await provider.CheckConnectionAsync(inputs, CancellationToken.None);
        }
        catch (ProviderException ex)
        {
            throw new BadRequestException(ex.Message);
        }
    }

    private static DynamicSecretRow Sealed(DynamicSecretRow row, ProjectKeys keys, JsonObject inputs) => new()
    {
        Id = row.Id,
        ProjectId = row.ProjectId,
        FolderId = row.FolderId,
        Name = row.Name,
        Type = row.Type,
        Version = row.Version,
        DefaultTtl = row.DefaultTtl,
        MaxTtl = row.MaxTtl,
        UsernameTemplate = row.UsernameTemplate,
        KeyVersion = keys.CurrentVersion,
        EncryptedValue = DynamicSecretInputs.Seal(keys, row.ProjectId, row.Id, row.Version, inputs),
        Metadata = row.Metadata,
        Status = row.Status,
        StatusDetails = row.StatusDetails,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
    };

    private static string MetadataJson(JsonArray? metadata) =>
        new JsonArray([.. (metadata ?? []).Select(m => (JsonNode)new JsonObject
        {
            ["id"] = Ids.New(),
            ["key"] = m!["key"]!.GetValue<string>(),
            ["value"] = m["value"]?.GetValue<string>() ?? "",
        })]).ToJsonString();

    private static JsonArray UpdatedFields(DynamicSecretChange change)
    {
        var fields = new List<string>();
        if (change.Inputs is not null) fields.AddRange(change.Inputs.Select(p => p.Key));
        if (change.DefaultTtl is not null) fields.Add("defaultTTL");
        if (change.MaxTtlSet) fields.Add("maxTTL");
        if (change.NewName is not null) fields.Add("name");
        if (change.UsernameTemplateSet) fields.Add("usernameTemplate");
        if (change.Metadata is not null) fields.Add("metadata");
        return new JsonArray([.. fields.Distinct().Order(StringComparer.Ordinal).Select(f => (JsonNode)f)]);
    }
}
