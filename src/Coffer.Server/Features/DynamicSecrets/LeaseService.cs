using System.Text.Json.Nodes;
using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.DynamicSecrets.Providers;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.DynamicSecrets;

/// <summary>
/// Leases (Infisical's dynamic-secret-lease service), all under the <c>lease</c> permission. A lease's row is written
/// before its user is created, so a user never exists that the revoker does not know of; if the provider refuses, the
/// row goes again and nothing is left behind.
/// </summary>
public sealed class LeaseService(
    Db db, DynamicSecretService secrets, DynamicSecretProviders providers, LeaseRevocations revocations, AuditBatcher auditBatcher,
    TimeProvider time, CofferOptions options)
{
    public async Task<JsonObject> CreateAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string name, string? ttl)
    {
        var (access, folder) = await secrets.LocateAsync(actor, at);
        var secret = await secrets.FindAsync(folder, at, name);
        access.Require(PermissionAction.Lease, ProjectSubject.DynamicSecrets, DynamicSecretService.Fields(at, secret));
        var provider = providers.Get(secret.Type);
        var inputs = await secrets.OpenAsync(secret);
        var now = UnixMs.Now(time);
        var expireAt = now + DynamicSecretTtl.Milliseconds(string.IsNullOrEmpty(ttl) ? secret.DefaultTtl : ttl);
        if (secret.MaxTtl is not null && expireAt > now + DynamicSecretTtl.Milliseconds(secret.MaxTtl))
            throw new BadRequestException("TTL cannot be larger than max TTL");
        var username = Credentials.Username(secret.UsernameTemplate, IdentityName(actor), now / 1000);
        var lease = new LeaseRow
        {
            Id = Ids.New(),
            DynamicSecretId = secret.Id,
            ProjectId = secret.ProjectId,
            Version = 1,
            ExternalEntityId = username,
            ExpireAt = expireAt,
            NextAttemptAt = expireAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await DynamicSecretStore.FindByIdAsync(conn, secret.Id, tx) is null)
                throw new NotFoundException($"Dynamic secret with name '{name}' in folder '{at.Path}' not found");
            if (await DynamicSecretStore.CountLeasesAsync(conn, secret.Id, tx) >= options.MaxLeaseLimit)
                throw new BadRequestException($"Max lease limit reached. Limit: {options.MaxLeaseLimit}");
            await DynamicSecretStore.InsertLeaseAsync(conn, tx, lease);
        });
        LeaseCredentials created;
        try
        {
            created = await provider.CreateAsync(inputs, username, DateTimeOffset.FromUnixTimeMilliseconds(expireAt), CancellationToken.None);
        }
        catch (Exception ex)
        {
            await db.WriteAsync((conn, tx) => DynamicSecretStore.DeleteLeaseAsync(conn, tx, lease.Id));
            if (ex is ProviderException) throw new BadRequestException(ex.Message);
            throw;
        }
        auditBatcher.Enqueue(audit, DynamicSecretService.Event("create-dynamic-secret-lease", access, secret, at.Environment, at.Path,
            new JsonObject
            {
                ["leaseId"] = lease.Id,
                ["leaseExternalEntityId"] = lease.ExternalEntityId,
                ["leaseExpireAt"] = Http.ApiJson.FormatTime(UnixMs.ToUtc(lease.ExpireAt)),
            }));
        return new JsonObject
        {
            ["lease"] = DynamicSecretJson.Lease(lease),
            ["dynamicSecret"] = DynamicSecretJson.Secret(secret),
            ["data"] = created.Data,
        };
    }

    /// <summary>Adds <paramref name="ttl"/> (or the default) to the lease's expiry; never past its creation plus the max TTL.</summary>
    public async Task<JsonObject> RenewAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string leaseId, string? ttl)
    {
        var (access, secret, lease) = await LeaseAtAsync(actor, at, leaseId);
        var provider = providers.Get(secret.Type);
        var expireAt = lease.ExpireAt + DynamicSecretTtl.Milliseconds(string.IsNullOrEmpty(ttl) ? secret.DefaultTtl : ttl);
        if (secret.MaxTtl is not null && expireAt > lease.CreatedAt + DynamicSecretTtl.Milliseconds(secret.MaxTtl))
            throw new BadRequestException("TTL cannot be larger than max ttl: the requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL");
        if (lease.Status is not null || lease.ExpireAt <= UnixMs.Now(time))
            throw new BadRequestException($"Dynamic secret lease with ID '{leaseId}' is expired or being revoked and cannot be renewed");
        try
        {
            await provider.RenewAsync(await secrets.OpenAsync(secret), lease.ExternalEntityId, DateTimeOffset.FromUnixTimeMilliseconds(expireAt),
                CancellationToken.None);
        }
        catch (ProviderException ex)
        {
            throw new BadRequestException(ex.Message);
        }
        var now = UnixMs.Now(time);
        var renewed = await db.WriteAsync(async (conn, tx) =>
        {
            if (await DynamicSecretStore.RenewLeaseAsync(conn, tx, lease.Id, expireAt, now) == 0)
                throw new BadRequestException($"Dynamic secret lease with ID '{leaseId}' is expired or being revoked and cannot be renewed");
            return (await DynamicSecretStore.FindLeaseAsync(conn, lease.Id, tx))!;
        });
        auditBatcher.Enqueue(audit, DynamicSecretService.Event("renew-dynamic-secret-lease", access, secret, at.Environment, at.Path,
            new JsonObject
            {
                ["leaseId"] = lease.Id,
                ["leaseExternalEntityId"] = lease.ExternalEntityId,
                ["newLeaseExpireAt"] = Http.ApiJson.FormatTime(UnixMs.ToUtc(expireAt)),
            }));
        return new JsonObject { ["lease"] = DynamicSecretJson.Lease(renewed) };
    }

    /// <summary>
    /// Revokes now. As Infisical, a provider failure is no error: the lease comes back with status <c>FailedDeletion</c>
    /// and its reason, and is retried; <paramref name="isForced"/> deletes it whatever the provider says.
    /// </summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string leaseId, bool isForced)
    {
        var (access, secret, lease) = await LeaseAtAsync(actor, at, leaseId);
        var (outcome, result) = await revocations.RevokeAsync(lease, secret, isForced, audit, access.Project.OrgId);
        if (outcome == LeaseRevocations.Outcome.Busy)
            throw new ConflictException($"Dynamic secret lease with ID '{leaseId}' is being revoked already");
        return new JsonObject { ["lease"] = DynamicSecretJson.Lease(result!) };
    }

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string leaseId)
    {
        var (access, secret, lease) = await LeaseAtAsync(actor, at, leaseId);
        auditBatcher.Enqueue(audit, DynamicSecretService.Event("get-dynamic-secret-lease", access, secret, at.Environment, at.Path,
            new JsonObject { ["leaseId"] = lease.Id, ["leaseExternalEntityId"] = lease.ExternalEntityId }));
        var json = DynamicSecretJson.Lease(lease);
        json["dynamicSecret"] = DynamicSecretJson.Secret(secret);
        return new JsonObject { ["lease"] = json };
    }

    public async Task<JsonObject> ListAsync(Actor actor, AuditContext audit, DynamicSecretLocation at, string name)
    {
        var (access, folder) = await secrets.LocateAsync(actor, at);
        var secret = await secrets.FindAsync(folder, at, name);
        access.Require(PermissionAction.Lease, ProjectSubject.DynamicSecrets, DynamicSecretService.Fields(at, secret));
        var leases = await db.ReadAsync(conn => DynamicSecretStore.ListLeasesAsync(conn, secret.Id));
        auditBatcher.Enqueue(audit, DynamicSecretService.Event("list-dynamic-secret-leases", access, secret, at.Environment, at.Path,
            new JsonObject { ["leaseCount"] = leases.Count }));
        return new JsonObject { ["leases"] = new JsonArray([.. leases.Select(l => (JsonNode)DynamicSecretJson.Lease(l))]) };
    }

    /// <summary>The lease, if it belongs to a dynamic secret in the folder at the location, and the caller may lease there.</summary>
    private async Task<(Permissions.ProjectAccess Access, DynamicSecretRow Secret, LeaseRow Lease)> LeaseAtAsync(Actor actor,
        DynamicSecretLocation at, string leaseId)
    {
        var (access, folder) = await secrets.LocateAsync(actor, at);
        var lease = await db.ReadAsync(conn => DynamicSecretStore.FindLeaseAsync(conn, leaseId));
        var secret = lease is null ? null : await db.ReadAsync(conn => DynamicSecretStore.FindByIdAsync(conn, lease.DynamicSecretId));
        if (lease is null || secret is null || secret.FolderId != folder.Id)
            throw new NotFoundException($"Dynamic secret lease with ID '{leaseId}' not found");
        access.Require(PermissionAction.Lease, ProjectSubject.DynamicSecrets, DynamicSecretService.Fields(at, secret));
        return (access, secret, lease);
    }

    // Infisical's identity.name: a machine identity's name, a person's email up to the @.
    private static string IdentityName(Actor actor) => actor.IsIdentity ? actor.Name : actor.Name.Split('@')[0];

}
