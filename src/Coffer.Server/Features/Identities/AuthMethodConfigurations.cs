using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Identities;

/// <summary>The answers of one auth method's configuration routes, in Infisical's words for that method.</summary>
public sealed record AuthMethodMessages(
    string AttachRefused, string AlreadyConfigured, string UpdateRefused, string UpdateMissing, string ReadMissing, string RevokeRefused,
    string RevokeMissing, bool UpdateMissingIsNotFound = false);

/// <summary>One auth method's table, audit event names and messages.</summary>
public sealed record AuthMethodTable<TRow>(string Method, AuthMethodSchema Schema, Func<TRow, JsonObject> EventMetadata, AuthMethodMessages Messages)
    where TRow : AuthMethodRow
{
    internal Task<TRow?> FindAsync(DbConnection conn, string identityId, DbTransaction? tx) =>
        AuthMethodStore.FindByIdentityAsync<TRow>(conn, Schema, identityId, tx);
}

/// <summary>
/// Attach, update, read and revoke of any proof-based auth method's configuration (JWT, OIDC, Kubernetes, AWS, LDAP):
/// the identity must be in the caller's organization, the caller needs the organization's identity permission for the
/// action and — for every change — must hold everything the identity holds; each change is one write unit with its
/// audit row; an update or removal applies to issued tokens at their next request on every instance (security epoch);
/// removal revokes the tokens the method issued. Each method supplies its rows and its own checks.
/// </summary>
public sealed class AuthMethodConfigurations(
    Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, AuditBatcher auditBatcher, TimeProvider time)
{
    /// <param name="tokens">The settings of the tokens the method will issue, Infisical's defaults filled in.</param>
    /// <param name="build">
    /// The method's own columns of the new row, whose id is given; the method's own checks (reachability, validity) run
    /// here. The shared columns are filled in afterwards.
    /// </param>
    public async Task<TRow> AttachAsync<TRow>(AuthMethodTable<TRow> table, Actor actor, AuditContext audit, string identityId,
        TokenSettings tokens, Func<IdentityRow, string, Task<TRow>> build)
        where TRow : AuthMethodRow
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Create, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, table.Messages.AttachRefused);
        var (ttl, maxTtl) = (tokens.AccessTokenTtl ?? TokenSettings.DefaultTtl, tokens.AccessTokenMaxTtl ?? TokenSettings.DefaultTtl);
        RequireTtlWithinMax(ttl, maxTtl);
        var id = Ids.New();
        var own = await build(identity, id);
        var now = UnixMs.Now(time);
        var row = (TRow)(own with
        {
            Id = id,
            IdentityId = identity.Id,
            AccessTokenTtl = ttl,
            AccessTokenMaxTtl = maxTtl,
            AccessTokenNumUsesLimit = tokens.AccessTokenNumUsesLimit ?? 0,
            AccessTokenTrustedIps = (tokens.AccessTokenTrustedIps is { } ips ? TrustedIps.Normalize(ips) : TrustedIps.NormalizeDefault()).ToJsonString(),
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await table.FindAsync(conn, identity.Id, tx) is not null) throw new BadRequestException(table.Messages.AlreadyConfigured);
            await AuthMethodStore.InsertAsync(conn, tx, table.Schema, row);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent($"add-identity-{table.Method}", table.EventMetadata(row), identity.OrgId), now);
        });
        return row;
    }

    /// <param name="prepare">
    /// The method's checks on the configuration as it is now, before the write unit (a connection test may take
    /// seconds, and no write waits on it); should the row change meanwhile, the update is refused with a 409.
    /// </param>
    /// <param name="tokens">The token settings the update changes (null: unchanged).</param>
    /// <param name="merge">The method's own columns after the change, from the current row; the shared ones follow.</param>
    public async Task<TRow> UpdateAsync<TRow>(AuthMethodTable<TRow> table, Actor actor, AuditContext audit, string identityId,
        TokenSettings tokens, Func<TRow, Task> prepare, Func<TRow, TRow> merge)
        where TRow : AuthMethodRow
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, table.Messages.UpdateRefused);
        var current = await db.ReadAsync(conn => table.FindAsync(conn, identity.Id, null)) ?? throw UpdateMissing(table.Messages);
        RequireTtlWithinMax(tokens.AccessTokenTtl ?? current.AccessTokenTtl, tokens.AccessTokenMaxTtl ?? current.AccessTokenMaxTtl);
        await prepare(current);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var latest = await table.FindAsync(conn, identity.Id, tx) ?? throw UpdateMissing(table.Messages);
            if (latest.UpdatedAt != current.UpdatedAt)
                throw new ConflictException("The configuration was changed by another request; read it again and retry");
            var row = (TRow)(merge(latest) with
            {
                AccessTokenTtl = tokens.AccessTokenTtl ?? latest.AccessTokenTtl,
                AccessTokenMaxTtl = tokens.AccessTokenMaxTtl ?? latest.AccessTokenMaxTtl,
                AccessTokenNumUsesLimit = tokens.AccessTokenNumUsesLimit ?? latest.AccessTokenNumUsesLimit,
                AccessTokenTrustedIps = tokens.AccessTokenTrustedIps is { } ips ? TrustedIps.Normalize(ips).ToJsonString() : latest.AccessTokenTrustedIps,
                // Strictly later than the row it replaces, so a change within the same millisecond is still seen as one.
                UpdatedAt = Math.Max(now, latest.UpdatedAt + 1),
            });
            await AuthMethodStore.UpdateAsync(conn, tx, table.Schema, row);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, new AuditEvent($"update-identity-{table.Method}", table.EventMetadata(row), identity.OrgId), now);
            return row;
        });
    }

    public async Task<TRow> GetAsync<TRow>(AuthMethodTable<TRow> table, Actor actor, AuditContext audit, string identityId)
        where TRow : AuthMethodRow
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Read, OrgSubject.Identity);
        var row = await db.ReadAsync(conn => table.FindAsync(conn, identity.Id, null)) ?? throw new BadRequestException(table.Messages.ReadMissing);
        auditBatcher.Enqueue(audit, new AuditEvent($"get-identity-{table.Method}", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId));
        return row;
    }

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    /// <param name="alsoRemove">State of the method's own to remove in the same write unit (LDAP's lockouts).</param>
    public async Task<TRow> RevokeAsync<TRow>(AuthMethodTable<TRow> table, Actor actor, AuditContext audit, string identityId,
        Func<DbConnection, DbTransaction, string, Task>? alsoRemove = null)
        where TRow : AuthMethodRow
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        access.Require(PermissionAction.RevokeAuth, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, table.Messages.RevokeRefused);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await table.FindAsync(conn, identity.Id, tx) ?? throw new BadRequestException(table.Messages.RevokeMissing);
            await AuthMethodStore.DeleteAsync(conn, tx, table.Schema, current.Id);
            await AccessTokenStore.RevokeByAuthMethodAsync(conn, tx, identity.Id, table.Method, now);
            if (alsoRemove is not null) await alsoRemove(conn, tx, identity.Id);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent($"revoke-identity-{table.Method}", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId), now);
            return current;
        });
    }

    private static void RequireTtlWithinMax(long ttl, long maxTtl)
    {
        if (maxTtl > 0 && ttl > maxTtl)
            throw new BadRequestException("Access token TTL cannot be greater than max TTL");
    }

    private static ApiException UpdateMissing(AuthMethodMessages m) =>
        m.UpdateMissingIsNotFound ? new NotFoundException(m.UpdateMissing) : new BadRequestException(m.UpdateMissing);
}
