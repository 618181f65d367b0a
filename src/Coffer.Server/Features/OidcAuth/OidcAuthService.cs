using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.JwtAuth;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Outbound;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.OidcAuth;

/// <summary>
/// OIDC auth (Infisical's identity-oidc-auth service): configuration as JWT auth's; login reads the provider's
/// discovery document and JWKS (cached; an unknown <c>kid</c> fetched again), verifies the ID token's signature, time
/// and issuer, then Infisical's subject, audience, claim and claim-mapping checks with its messages.
/// </summary>
public sealed class OidcAuthService(
    Db db, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary, IdentityLogins logins, AuditBatcher auditBatcher,
    TimeProvider time, OidcDiscovery discovery, JwksKeys jwks, GuardedHttp outbound)
{
    private const string NotConfigured = "OIDC auth method not found for identity, did you configure OIDC auth?";

    private const int MaxKeysWithoutKid = 10;
    private const int MaxAuditedClaimBytes = 32_768;

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, OidcAuthSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Create, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to add OIDC auth to identity");
        await outbound.RequireAllowedAsync(new Uri(s.OidcDiscoveryUrl!), CancellationToken.None);
        var now = UnixMs.Now(time);
        var row = new OidcAuthRow
        {
            Id = Ids.New(),
            IdentityId = identity.Id,
            OidcDiscoveryUrl = s.OidcDiscoveryUrl!,
            CaCert = s.CaCert ?? "",
            BoundIssuer = s.BoundIssuer!,
            BoundAudiences = s.BoundAudiences ?? "",
            BoundClaims = (s.BoundClaims ?? []).ToJsonString(),
            ClaimMetadataMapping = s.ClaimMetadataMapping?.ToJsonString(),
            BoundSubject = s.BoundSubject ?? "",
            AccessTokenTtl = s.AccessTokenTtl!.Value,
            AccessTokenMaxTtl = s.AccessTokenMaxTtl!.Value,
            AccessTokenNumUsesLimit = s.AccessTokenNumUsesLimit!.Value,
            AccessTokenTrustedIps = TrustedIps.Normalize(s.AccessTokenTrustedIps ?? new JsonArray("0.0.0.0/0", "::/0")).ToJsonString(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await OidcAuthStore.FindByIdentityAsync(conn, identity.Id, tx) is not null)
                throw new BadRequestException("Failed to add OIDC Auth to already configured identity");
            await OidcAuthStore.InsertAsync(conn, tx, row);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("add-identity-oidc-auth", identity.OrgId, row), now);
        });
        return OidcAuthJson.From(row);
    }

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, OidcAuthSettings s)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to update OIDC auth");
        if (s.OidcDiscoveryUrl is not null) await outbound.RequireAllowedAsync(new Uri(s.OidcDiscoveryUrl), CancellationToken.None);
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await OidcAuthStore.FindByIdentityAsync(conn, identity.Id, tx) ?? throw new BadRequestException("Failed to update OIDC Auth");
            var row = new OidcAuthRow
            {
                Id = current.Id,
                IdentityId = current.IdentityId,
                OidcDiscoveryUrl = s.OidcDiscoveryUrl ?? current.OidcDiscoveryUrl,
                CaCert = s.CaCert ?? current.CaCert,
                BoundIssuer = s.BoundIssuer ?? current.BoundIssuer,
                BoundAudiences = s.BoundAudiences ?? current.BoundAudiences,
                BoundClaims = s.BoundClaims?.ToJsonString() ?? current.BoundClaims,
                ClaimMetadataMapping = s.ClaimMetadataMapping?.ToJsonString() ?? current.ClaimMetadataMapping,
                BoundSubject = s.BoundSubject ?? current.BoundSubject,
                AccessTokenTtl = s.AccessTokenTtl ?? current.AccessTokenTtl,
                AccessTokenMaxTtl = s.AccessTokenMaxTtl ?? current.AccessTokenMaxTtl,
                AccessTokenNumUsesLimit = s.AccessTokenNumUsesLimit ?? current.AccessTokenNumUsesLimit,
                AccessTokenTrustedIps = s.AccessTokenTrustedIps is null ? current.AccessTokenTrustedIps : TrustedIps.Normalize(s.AccessTokenTrustedIps).ToJsonString(),
                CreatedAt = current.CreatedAt,
                UpdatedAt = now,
            };
            if (row.AccessTokenMaxTtl > 0 && row.AccessTokenTtl > row.AccessTokenMaxTtl)
                throw new BadRequestException("Access token TTL cannot be greater than max TTL");
            await OidcAuthStore.UpdateAsync(conn, tx, row);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit, Event("update-identity-oidc-auth", identity.OrgId, row), now);
            return OidcAuthJson.From(row);
        });
    }

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Read, OrgSubject.Identity);
        var row = await db.ReadAsync(conn => OidcAuthStore.FindByIdentityAsync(conn, identity.Id))
            ?? throw new BadRequestException("The identity does not have OIDC Auth attached");
        auditBatcher.Enqueue(audit, new AuditEvent("get-identity-oidc-auth", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId));
        return OidcAuthJson.From(row);
    }

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        var access = await permissions.ForOrgAsync(actor, identity.OrgId);
        access.Require(PermissionAction.Edit, OrgSubject.Identity);
        access.Require(PermissionAction.RevokeAuth, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to revoke OIDC auth of identity with more privileged role");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            var current = await OidcAuthStore.FindByIdentityAsync(conn, identity.Id, tx) ?? throw new BadRequestException("The identity does not have OIDC auth");
            await OidcAuthStore.DeleteAsync(conn, tx, current.Id);
            await AccessTokenStore.RevokeByAuthMethodAsync(conn, tx, identity.Id, AuthMethods.OidcAuth, now);
            await SecurityEpoch.BumpAsync(conn, tx);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("revoke-identity-oidc-auth", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId), now);
            return OidcAuthJson.From(current, withCaCert: false);
        });
    }

    public async Task<LoginResponse> LoginAsync(string identityId, string jwt, AuditContext audit)
    {
        var config = await db.ReadAsync(conn => OidcAuthStore.FindByIdentityAsync(conn, identityId))
            ?? throw new NotFoundException(NotConfigured);
        var claims = await VerifyAsync(config, jwt);
        RequireBound(config, claims);
        return await logins.IssueAsync(config.IdentityId, AuthMethods.OidcAuth, NotConfigured,
            async (conn, tx) => await OidcAuthStore.FindByIdentityAsync(conn, identityId, tx) is { } current
                ? new TokenPolicy(current.AccessTokenTtl, current.AccessTokenMaxTtl, current.AccessTokenNumUsesLimit, 0)
                : null,
            audit, "login-identity-oidc-auth", tokenId => new JsonObject
            {
                ["identityId"] = config.IdentityId,
                ["identityAccessTokenId"] = tokenId,
                ["identityOidcAuthId"] = config.Id,
                ["oidcClaimsReceived"] = claims.ToJsonString().Length < MaxAuditedClaimBytes
                    ? claims.DeepClone()
                    : new JsonObject { ["payload"] = "Error: Payload exceeds 32KB, provided oidc claim not recorded in audit log." },
            });
    }

    private async Task<JsonObject> VerifyAsync(OidcAuthRow config, string jwt)
    {
        var kid = JwtHeader.Kid(jwt) ?? throw new UnauthorizedException("Invalid JWT");
        var ca = config.CaCert.Length > 0 ? config.CaCert : null;
        var jwksUri = await discovery.JwksUriAsync(config.OidcDiscoveryUrl, ca, CancellationToken.None);
        await outbound.RequireAllowedAsync(new Uri(jwksUri), CancellationToken.None);
        IReadOnlyList<System.Text.Json.Nodes.JsonObject> candidates;
        if (kid.Value is { } id)
        {
            var jwk = await jwks.FindAsync(jwksUri, ca, id, CancellationToken.None)
                ?? throw new UnauthorizedException(
                    $"Access denied: Unable to verify JWT signature. The signing key '{id}' was not found in the OIDC provider's JWKS endpoint. " +
                    "This may indicate an invalid token or misconfigured OIDC provider.");
            candidates = [jwk];
        }
        else
        {
            candidates = await jwks.AllAsync(jwksUri, ca, CancellationToken.None);
            if (candidates.Count == 0) throw new UnauthorizedException("Access denied: No signing keys available from OIDC provider's JWKS endpoint.");
            if (candidates.Count > MaxKeysWithoutKid)
                throw new UnauthorizedException(
                    $"Access denied: OIDC provider has {candidates.Count} signing keys. Tokens must include 'kid' header when provider has more than {MaxKeysWithoutKid} keys.");
        }
        string? lastError = null;
        foreach (var jwk in candidates)
        {
            using var key = JwksKeys.ToKey(jwk);
            if (key is null) continue;
            var (claims, error) = JwtVerifier.Verify(jwt, key, time.GetUtcNow());
            if (claims is not null)
            {
                // jsonwebtoken's issuer option: checked once the signature holds.
                if (!(claims["iss"] is JsonValue iss && iss.TryGetValue<string>(out var i) && i == config.BoundIssuer))
                    throw new UnauthorizedException($"Access denied: jwt issuer invalid. expected: {config.BoundIssuer}");
                return claims;
            }
            lastError = error;
        }
        throw kid.Value is null
            ? new UnauthorizedException($"Access denied: Unable to verify JWT signature with any available signing key. {lastError ?? "Invalid token"}")
            : new UnauthorizedException($"Access denied: {lastError ?? "invalid algorithm"}");
    }

    private static void RequireBound(OidcAuthRow config, JsonObject claims)
    {
        if (config.BoundSubject.Length > 0 && !JwtPolicy.Matches(claims["sub"], config.BoundSubject))
            throw new ForbiddenException("Access denied: OIDC subject not allowed.");
        if (config.BoundAudiences.Length > 0 && !JwtPolicy.Matches(claims["aud"], config.BoundAudiences))
            throw new UnauthorizedException("Access denied: OIDC audience not allowed.");
        foreach (var (name, policy) in JsonNode.Parse(config.BoundClaims)!.AsObject())
        {
            var value = JwtPolicy.Get(claims, name);
            if (!JwtPolicy.IsPresent(value)) throw new UnauthorizedException($"Access denied: token has no {name} field");
            if (!JwtPolicy.Matches(value, policy!.GetValue<string>())) throw new UnauthorizedException("Access denied: OIDC claim not allowed.");
        }
        if (config.ClaimMetadataMapping is not null)
            foreach (var (_, claimName) in JsonNode.Parse(config.ClaimMetadataMapping)!.AsObject())
            {
                var path = claimName!.GetValue<string>();
                if (!JwtPolicy.IsPresent(JwtPolicy.Get(claims, path))) throw new UnauthorizedException($"Access denied: token has no {path} field");
            }
    }

    private static AuditEvent Event(string type, string orgId, OidcAuthRow r) => new(type, new JsonObject
    {
        ["identityId"] = r.IdentityId,
        ["oidcDiscoveryUrl"] = r.OidcDiscoveryUrl,
        ["caCert"] = r.CaCert,
        ["boundIssuer"] = r.BoundIssuer,
        ["boundAudiences"] = r.BoundAudiences,
        ["boundClaims"] = JsonNode.Parse(r.BoundClaims),
        ["claimMetadataMapping"] = r.ClaimMetadataMapping is null ? null : JsonNode.Parse(r.ClaimMetadataMapping),
        ["boundSubject"] = r.BoundSubject,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
    }, orgId);
}
