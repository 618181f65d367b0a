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
    Db db, AuthMethodConfigurations configurations, IdentityLogins logins, TimeProvider time, OidcDiscovery discovery, JwksKeys jwks, GuardedHttp outbound) : IAuthMethodConfigurationService<OidcAuthSettings>
{
    private const string NotConfigured = "OIDC auth method not found for identity, did you configure OIDC auth?";

    private const int MaxKeysWithoutKid = 10;
    private const int MaxAuditedClaimBytes = 32_768;

    private static readonly AuthMethodTable<OidcAuthRow> Table = new(AuthMethods.OidcAuth, OidcAuthStore.Schema, EventMetadata,
        new AuthMethodMessages("Failed to add OIDC auth to identity", "Failed to add OIDC Auth to already configured identity", "Failed to update OIDC auth",
            "Failed to update OIDC Auth", "The identity does not have OIDC Auth attached", "Failed to revoke OIDC auth of identity with more privileged role",
            "The identity does not have OIDC auth"));

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, OidcAuthSettings s) =>
        OidcAuthJson.From(await configurations.AttachAsync(Table, actor, audit, identityId, s.Tokens, async (_, _) =>
        {
            await outbound.RequireAllowedAsync(new Uri(s.OidcDiscoveryUrl!), CancellationToken.None);
            return new OidcAuthRow
            {
                OidcDiscoveryUrl = s.OidcDiscoveryUrl!,
                CaCert = s.CaCert ?? "",
                BoundIssuer = s.BoundIssuer!,
                BoundAudiences = s.BoundAudiences ?? "",
                BoundClaims = (s.BoundClaims ?? []).ToJsonString(),
                ClaimMetadataMapping = s.ClaimMetadataMapping?.ToJsonString(),
                BoundSubject = s.BoundSubject ?? "",
            };
        }));

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, OidcAuthSettings s) =>
        OidcAuthJson.From(await configurations.UpdateAsync(Table, actor, audit, identityId, s.Tokens,
            async _ =>
            {
                if (s.OidcDiscoveryUrl is not null) await outbound.RequireAllowedAsync(new Uri(s.OidcDiscoveryUrl), CancellationToken.None);
            },
            current => current with
            {
                OidcDiscoveryUrl = s.OidcDiscoveryUrl ?? current.OidcDiscoveryUrl,
                CaCert = s.CaCert ?? current.CaCert,
                BoundIssuer = s.BoundIssuer ?? current.BoundIssuer,
                BoundAudiences = s.BoundAudiences ?? current.BoundAudiences,
                BoundClaims = s.BoundClaims?.ToJsonString() ?? current.BoundClaims,
                ClaimMetadataMapping = s.ClaimMetadataMapping?.ToJsonString() ?? current.ClaimMetadataMapping,
                BoundSubject = s.BoundSubject ?? current.BoundSubject,
            }));

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId) =>
        OidcAuthJson.From(await configurations.GetAsync(Table, actor, audit, identityId));

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId) =>
        OidcAuthJson.From(await configurations.RevokeAsync(Table, actor, audit, identityId), withCaCert: false);

    public async Task<LoginResponse> LoginAsync(string identityId, string jwt, AuditContext audit)
    {
        var config = await db.ReadAsync(conn => OidcAuthStore.FindByIdentityAsync(conn, identityId))
            ?? throw new NotFoundException(NotConfigured);
        var claims = await VerifyAsync(config, jwt);
        var mapped = RequireBound(config, claims);
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
            }, TokenAuthInfo.Oidc(mapped));
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

    /// <returns>The claims <c>claimMetadataMapping</c> names, by their permission keys, as strings (as Infisical maps them).</returns>
    private static Dictionary<string, string> RequireBound(OidcAuthRow config, JsonObject claims)
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
        var mapped = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.ClaimMetadataMapping is not null)
            foreach (var (permissionKey, claimName) in JsonNode.Parse(config.ClaimMetadataMapping)!.AsObject())
            {
                var path = claimName!.GetValue<string>();
                var value = JwtPolicy.Get(claims, path);
                if (!JwtPolicy.IsPresent(value)) throw new UnauthorizedException($"Access denied: token has no {path} field");
                mapped[permissionKey] = JwtPolicy.ToJsString(value);
            }
        return mapped;
    }

    private static JsonObject EventMetadata(OidcAuthRow r) => new()
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
    };
}
