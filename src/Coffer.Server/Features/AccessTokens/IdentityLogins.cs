using System.Data.Common;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Organizations;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// What every login by proof (JWT, OIDC, Kubernetes, AWS) does once the proof holds: in one write unit, read the
/// method's configuration again — one removed meanwhile issues nothing — mint the token by its settings and record the
/// login; then count it, audit it as the identity, and sign the token.
/// </summary>
public sealed class IdentityLogins(Db db, TokenIssuer issuer, AuditBatcher auditBatcher, TimeProvider time)
{
    /// <param name="currentPolicy">The method's token settings as they are now, or null when it is no longer configured.</param>
    /// <param name="eventMetadata">The audit event's metadata, given the new token's id.</param>
    /// <param name="authInfo">What the proof established about the caller, kept with the token (<see cref="TokenAuthInfo"/>).</param>
    public async Task<LoginResponse> IssueAsync(string identityId, string authMethod, string notConfigured,
        Func<DbConnection, DbTransaction, Task<TokenPolicy?>> currentPolicy, AuditContext audit, string eventType, Func<string, JsonObject> eventMetadata,
        JsonObject? authInfo = null)
    {
        var now = UnixMs.Now(time);
        var (token, orgId) = await db.WriteAsync(async (conn, tx) =>
        {
            var policy = await currentPolicy(conn, tx) ?? throw new NotFoundException(notConfigured);
            var issued = await issuer.CreateAsync(conn, tx, identityId, authMethod, policy, now, authInfo: authInfo);
            var org = await OrgStore.RecordIdentityLoginAsync(conn, tx, identityId, authMethod, now);
            return (issued, org);
        });
        CofferMetrics.Logins.Add(1, new KeyValuePair<string, object?>("outcome", "Success"));
        auditBatcher.Enqueue(audit with
        {
            ActorType = "identity",
            ActorId = identityId,
            ActorMetadata = new JsonObject { ["identityId"] = identityId },
        }, new AuditEvent(eventType, eventMetadata(token.Row.Id), orgId));
        var signed = issuer.Sign(token);
        return new LoginResponse(signed.AccessToken, token.ExpiresIn, token.AccessTokenMaxTtl, "Bearer");
    }
}
