using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.IdentityMemberships;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.AdditionalPrivileges;

/// <summary>
/// Additional privileges of an identity in a project (Infisical's v2 identity-project-additional-privilege routes):
/// extra rules on top of its roles, counted while active, removed with its membership.
/// </summary>
public sealed class PrivilegeService(Db db, PermissionService permissions, TimeProvider time)
{
    public async Task<JsonObject> CreateAsync(Actor actor, AuditContext audit, string projectId, string identityId, string? slug,
        IReadOnlyList<PermissionRule> rules, PrivilegeTiming timing)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Identity, SubjectFields.Identity(identityId));
        access.RequireCanGrant(ProjectSubject.Identity, "Failed to update more privileged identity", PermissionSet.FromRules(rules));
        var now = UnixMs.Now(time);
        var row = new PrivilegeRow
        {
            Id = Ids.New(),
            ProjectId = projectId,
            IdentityId = identityId,
            Slug = slug ?? Slugs.WithSuffix("privilege"),
            Permissions = PermissionStorage.Pack(rules),
            IsTemporary = timing.IsTemporary,
            TemporaryMode = timing.IsTemporary ? RoleAssignment.RelativeMode : null,
            TemporaryRange = timing.Range,
            TemporaryAccessStartTime = timing.StartMs,
            TemporaryAccessEndTime = timing.EndMs,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            _ = await MembershipStore.FindAsync(conn, projectId, identityId, tx)
                ?? throw new NotFoundException($"Identity with ID '{identityId}' is not a member of project with ID '{projectId}'");
            if (!await PrivilegeStore.TryInsertAsync(conn, tx, row)) throw new BadRequestException("Additional privilege with provided slug already exists");
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("create-identity-project-additional-privilege", row, access.Project.OrgId), now);
        });
        return ToJson(row, withPermissions: true);
    }

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string privilegeId, string? slug,
        IReadOnlyList<PermissionRule>? rules, PrivilegeTiming? timing)
    {
        var current = await FindForActorAsync(actor, privilegeId);
        var access = await permissions.ForProjectAsync(actor, current.ProjectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Identity, SubjectFields.Identity(current.IdentityId));
        if (rules is not null)
            access.RequireCanGrant(ProjectSubject.Identity, "Failed to update more privileged identity", PermissionSet.FromRules(rules));
        await RequireHoldsTargetAsync(access, current, "Failed to update more privileged identity");
        if (actor.IsIdentity && actor.Id == current.IdentityId && timing is not null && Extends(current, timing))
            throw new PermissionBoundaryException(
                "Failed to update more privileged identity. An identity cannot make its own temporary privilege permanent or longer", null);
        var now = UnixMs.Now(time);
        var updated = new PrivilegeRow
        {
            Id = current.Id,
            ProjectId = current.ProjectId,
            IdentityId = current.IdentityId,
            Slug = slug ?? current.Slug,
            Permissions = rules is null ? current.Permissions : PermissionStorage.Pack(rules),
            IsTemporary = timing?.IsTemporary ?? current.IsTemporary,
            TemporaryMode = timing is null ? current.TemporaryMode : timing.IsTemporary ? RoleAssignment.RelativeMode : null,
            TemporaryRange = timing is null ? current.TemporaryRange : timing.Range,
            TemporaryAccessStartTime = timing is null ? current.TemporaryAccessStartTime : timing.StartMs,
            TemporaryAccessEndTime = timing is null ? current.TemporaryAccessEndTime : timing.EndMs,
            CreatedAt = current.CreatedAt,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (updated.Slug != current.Slug && await PrivilegeStore.SlugTakenAsync(conn, tx, updated))
                throw new BadRequestException("Additional privilege with provided slug already exists");
            await PrivilegeStore.UpdateAsync(conn, tx, updated);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("update-identity-project-additional-privilege", updated, access.Project.OrgId), now);
        });
        return ToJson(updated, withPermissions: true);
    }

    public async Task<JsonObject> DeleteAsync(Actor actor, AuditContext audit, string privilegeId)
    {
        var current = await FindForActorAsync(actor, privilegeId);
        var access = await permissions.ForProjectAsync(actor, current.ProjectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Identity, SubjectFields.Identity(current.IdentityId));
        await RequireHoldsTargetAsync(access, current, "Failed to delete more privileged identity");
        var now = UnixMs.Now(time);
        await db.WriteAsync(async (conn, tx) =>
        {
            await PrivilegeStore.DeleteAsync(conn, tx, current.Id);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("delete-identity-project-additional-privilege", current, access.Project.OrgId), now);
        });
        return ToJson(current, withPermissions: true);
    }

    public async Task<JsonObject> GetAsync(Actor actor, string privilegeId)
    {
        var current = await FindForActorAsync(actor, privilegeId);
        var access = await permissions.ForProjectAsync(actor, current.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(current.IdentityId));
        return ToJson(current, withPermissions: true);
    }

    public async Task<JsonObject> GetBySlugAsync(Actor actor, string projectId, string identityId, string slug)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(identityId));
        var row = await db.ReadAsync(conn => PrivilegeStore.FindBySlugAsync(conn, projectId, identityId, slug)) ?? throw new NotFoundException($"Additional privilege with name {slug} not found");
        return ToJson(row, withPermissions: true);
    }

    public async Task<JsonArray> ListAsync(Actor actor, string projectId, string identityId, bool withPermissions = false)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Identity, SubjectFields.Identity(identityId));
        var rows = await db.ReadAsync(conn => PrivilegeStore.ListAsync(conn, projectId, identityId));
        return new JsonArray(rows.Select(r => (JsonNode)ToJson(r, withPermissions)).ToArray());
    }

    /// <summary>The deprecated V1 routes name a privilege by project, identity and slug; not found before any permission.</summary>
    public async Task<string> IdBySlugAsync(string projectId, string identityId, string slug) =>
        (await db.ReadAsync(conn => PrivilegeStore.FindBySlugAsync(conn, projectId, identityId, slug))
            ?? throw new NotFoundException($"Additional privilege with name {slug} not found")).Id;

    /// <summary>
    /// A privilege as the V1 routes show it (Infisical's <c>SanitizedIdentityPrivilegeSchema</c>): no identity or project
    /// id, the identity's project membership id, and no rules on folders, imports or dynamic secrets (the V1 backfill
    /// derives those). Infisical puts the project id in <c>projectMembershipId</c>; Coffer the membership's id.
    /// </summary>
    public async Task<JsonObject> AsV1Async(JsonObject privilege) =>
        V1(privilege, await MembershipIdAsync(privilege["projectId"]!.GetValue<string>(), privilege["identityId"]!.GetValue<string>()));

    /// <summary>An identity's privileges in a project in the V1 form: one membership shared by all of them.</summary>
    public async Task<JsonArray> ListV1Async(Actor actor, string projectId, string identityId)
    {
        var privileges = await ListAsync(actor, projectId, identityId, withPermissions: true);
        var membershipId = await MembershipIdAsync(projectId, identityId);
        return new JsonArray([.. privileges.Select(p => (JsonNode)V1(p!.AsObject(), membershipId))]);
    }

    private async Task<string?> MembershipIdAsync(string projectId, string identityId) =>
        (await db.ReadAsync(conn => MembershipStore.FindAsync(conn, projectId, identityId)))?.Id;

    private static JsonObject V1(JsonObject privilege, string? membershipId)
    {
        var o = new JsonObject
        {
            ["id"] = privilege["id"]!.DeepClone(),
            ["slug"] = privilege["slug"]!.DeepClone(),
            ["projectMembershipId"] = membershipId,
        };
        foreach (var key in new[] { "isTemporary", "temporaryMode", "temporaryRange", "temporaryAccessStartTime", "temporaryAccessEndTime" })
            o[key] = privilege[key]?.DeepClone();
        if (privilege["permissions"] is JsonArray rules)
            o["permissions"] = new JsonArray(rules.Where(r => !PermissionsV1.IsDerivedSubject(r!["subject"]!.GetValue<string>()))
                .Select(r => r!.DeepClone()).ToArray());
        o["createdAt"] = privilege["createdAt"]!.DeepClone();
        o["updatedAt"] = privilege["updatedAt"]!.DeepClone();
        return o;
    }

    private Task<PrivilegeRow> FindForActorAsync(Actor actor, string privilegeId) =>
        db.ReadAsync(async conn => await PrivilegeStore.FindInOrgAsync(conn, privilegeId, actor.OrgId)
            ?? throw new NotFoundException($"Additional privilege with ID {privilegeId} not found"));

    private static AuditEvent Event(string type, PrivilegeRow row, string orgId) => new(type,
        new JsonObject { ["identityId"] = row.IdentityId, ["privilegeId"] = row.Id, ["slug"] = row.Slug }, orgId, row.ProjectId);

    private static JsonObject ToJson(PrivilegeRow r, bool withPermissions)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["identityId"] = r.IdentityId,
            ["projectId"] = r.ProjectId,
            ["slug"] = r.Slug,
            ["isTemporary"] = r.IsTemporary,
            ["temporaryMode"] = r.TemporaryMode,
            ["temporaryRange"] = r.TemporaryRange,
            ["temporaryAccessStartTime"] = Time(r.TemporaryAccessStartTime),
            ["temporaryAccessEndTime"] = Time(r.TemporaryAccessEndTime),
            ["createdAt"] = Time(r.CreatedAt),
            ["updatedAt"] = Time(r.UpdatedAt),
        };
        if (withPermissions) o["permissions"] = PermissionJson.ToUnpackedJson(PermissionStorage.Unpack(r.Permissions));
        return o;
    }

    private static JsonNode? Time(long? ms) => ms is { } v ? JsonValue.Create(ApiJson.FormatTime(UnixMs.ToUtc(v))) : null;

    /// <summary>Changing or removing a privilege changes what its identity may do: the actor must hold everything it holds now.</summary>
    private async Task RequireHoldsTargetAsync(ProjectAccess access, PrivilegeRow privilege, string operation) =>
        access.RequireHolds(await permissions.MemberPermissionsAsync(access.Project, ActorType.Identity, privilege.IdentityId), operation);

    /// <summary>Whether new timing keeps a temporary privilege active longer: permanent, or ending later.</summary>
    private static bool Extends(PrivilegeRow current, PrivilegeTiming timing) =>
        current.IsTemporary && (!timing.IsTemporary || timing.EndMs is not { } end || current.TemporaryAccessEndTime is not { } was || end > was);
}
