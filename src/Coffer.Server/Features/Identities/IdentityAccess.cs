using Coffer.Server.Data;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.Identities;

/// <summary>Looks up the identity an auth-method route is about, within the caller's organization only.</summary>
public sealed class IdentityAccess(Db db)
{
    /// <summary>An identity of another organization is reported exactly like a missing one.</summary>
    public Task<IdentityRow> FindAsync(Actor actor, string identityId, string notFoundMessage = "Failed to find identity with ID {0}") =>
        db.ReadAsync(async conn => await IdentityStore.FindInOrgAsync(conn, identityId, actor.OrgId)
            ?? throw new NotFoundException(notFoundMessage.Replace("{0}", identityId, StringComparison.Ordinal)));
}
