using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>
/// JWT auth (Infisical's identity-jwt-auth service): configuration under the same organization permissions and
/// privilege boundary as token auth; login verifies the JWT against the configured public keys, then the bound issuer,
/// subject, audiences and claims, in Infisical's order and with its messages, and issues an access token by the
/// identity's JWT-auth token settings.
/// </summary>
public sealed class JwtAuthService(
    Db db, AuthMethodConfigurations configurations, IdentityLogins logins, TimeProvider time, JwksKeys jwks, Http.Outbound.GuardedHttp outbound) : IAuthMethodConfigurationService<JwtAuthSettings>
{
    private const string NotConfigured = "JWT auth method not found for identity, did you configure JWT auth?";

    public const string Static = "static";
    public const string Jwks = "jwks";

    private static readonly AuthMethodTable<JwtAuthRow> Table = new(AuthMethods.JwtAuth, JwtAuthStore.Schema, EventMetadata,
        new AuthMethodMessages("Failed to add JWT auth to identity", "Failed to add JWT Auth to already configured identity", "Failed to update JWT auth",
            "Failed to update JWT Auth", "The identity does not have JWT Auth attached", "Failed to revoke jwt auth of identity with more privileged role",
            "The identity does not have JWT auth"));

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, JwtAuthSettings s) =>
        JwtAuthJson.From(await configurations.AttachAsync(Table, actor, audit, identityId, s.Tokens, async (_, _) =>
        {
            await RequireReachableAsync(s.ConfigurationType, s.JwksUrl);
            return new JwtAuthRow
            {
                ConfigurationType = s.ConfigurationType,
                JwksUrl = s.JwksUrl ?? "",
                JwksCaCert = s.JwksCaCert ?? "",
                PublicKeys = Keys(s.PublicKeys ?? []),
                BoundIssuer = s.BoundIssuer ?? "",
                BoundAudiences = s.BoundAudiences ?? "",
                BoundClaims = (s.BoundClaims ?? []).ToJsonString(),
                BoundSubject = s.BoundSubject ?? "",
            };
        }));

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, JwtAuthSettings s) =>
        JwtAuthJson.From(await configurations.UpdateAsync(Table, actor, audit, identityId, s.Tokens, _ => RequireReachableAsync(s.ConfigurationType, s.JwksUrl),
            current =>
            {
                var row = current with
                {
                    ConfigurationType = s.ConfigurationType,
                    JwksUrl = s.JwksUrl ?? current.JwksUrl,
                    JwksCaCert = s.JwksCaCert ?? current.JwksCaCert,
                    PublicKeys = s.PublicKeys is null ? current.PublicKeys : Keys(s.PublicKeys),
                    BoundIssuer = s.BoundIssuer ?? current.BoundIssuer,
                    BoundAudiences = s.BoundAudiences ?? current.BoundAudiences,
                    BoundClaims = s.BoundClaims?.ToJsonString() ?? current.BoundClaims,
                    BoundSubject = s.BoundSubject ?? current.BoundSubject,
                };
                if (row.ConfigurationType == Static && row.PublicKeys == "[]")
                    throw new BadRequestException("A static JWT auth configuration needs at least one public key");
                if (row.ConfigurationType == Jwks && row.JwksUrl.Length == 0)
                    throw new BadRequestException("A JWKS JWT auth configuration needs a jwksUrl");
                return row;
            }));

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId) =>
        JwtAuthJson.From(await configurations.GetAsync(Table, actor, audit, identityId));

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId) =>
        JwtAuthJson.From(await configurations.RevokeAsync(Table, actor, audit, identityId), withKeys: false);

    public async Task<LoginResponse> LoginAsync(string identityId, string jwt, AuditContext audit)
    {
        var config = await db.ReadAsync(conn => JwtAuthStore.FindByIdentityAsync(conn, identityId))
            ?? throw new NotFoundException(NotConfigured);
        var claims = config.ConfigurationType == Jwks ? await VerifyWithJwksAsync(config, jwt) : Verify(config, jwt);
        RequireBound(config, claims);
        return await logins.IssueAsync(config.IdentityId, AuthMethods.JwtAuth, NotConfigured,
            async (conn, tx) => await JwtAuthStore.FindByIdentityAsync(conn, identityId, tx) is { } current
                ? new TokenPolicy(current.AccessTokenTtl, current.AccessTokenMaxTtl, current.AccessTokenNumUsesLimit, 0)
                : null,
            audit, "login-identity-jwt-auth", tokenId => new JsonObject
            {
                ["identityId"] = config.IdentityId,
                ["identityAccessTokenId"] = tokenId,
                ["identityJwtAuthId"] = config.Id,
            });
    }

    private JsonObject Verify(JwtAuthRow config, string jwt)
    {
        if (jwt.Split('.').Length != 3) throw new UnauthorizedException("Invalid JWT");
        var errors = new List<string>();
        foreach (var pem in JsonNode.Parse(config.PublicKeys)!.AsArray().Select(k => k!.GetValue<string>()))
        {
            using var key = JwtVerifier.ReadKey(pem);
            if (key is null) continue;
            var (claims, error) = JwtVerifier.Verify(jwt, key, time.GetUtcNow());
            if (claims is not null) return claims;
            errors.Add(error!);
        }
        throw new UnauthorizedException($"Access denied: JWT verification failed with all keys. Errors - {string.Join("; ", errors)}");
    }

    private async Task<JsonObject> VerifyWithJwksAsync(JwtAuthRow config, string jwt)
    {
        var kid = (JwtHeader.Kid(jwt) ?? throw new UnauthorizedException("Invalid JWT")).Value;
        var jwk = await jwks.FindAsync(config.JwksUrl, config.JwksCaCert, kid, CancellationToken.None)
            ?? throw new UnauthorizedException($"Access denied: the JWKS has no signing key '{kid ?? "(none named)"}'");
        using var key = JwksKeys.ToKey(jwk) ?? throw new UnauthorizedException($"Access denied: the JWKS key '{kid}' is not an RSA or EC public key");
        var (claims, error) = JwtVerifier.Verify(jwt, key, time.GetUtcNow());
        return claims ?? throw new UnauthorizedException($"Access denied: {error}");
    }

    private static void RequireBound(JwtAuthRow config, JsonObject claims)
    {
        if (config.BoundIssuer.Length > 0 && !(claims["iss"] is JsonValue iss && iss.TryGetValue<string>(out var i) && i == config.BoundIssuer))
            throw new ForbiddenException("Access denied: issuer mismatch");
        if (config.BoundSubject.Length > 0)
        {
            if (!JwtPolicy.IsPresent(claims["sub"])) throw new UnauthorizedException("Access denied: token has no subject field");
            if (!JwtPolicy.Matches(claims["sub"], config.BoundSubject)) throw new ForbiddenException("Access denied: subject not allowed");
        }
        if (config.BoundAudiences.Length > 0)
        {
            if (!JwtPolicy.IsPresent(claims["aud"])) throw new UnauthorizedException("Access denied: token has no audience field");
            if (!JwtPolicy.Matches(claims["aud"], config.BoundAudiences)) throw new UnauthorizedException("Access denied: token audience not allowed");
        }
        foreach (var (name, policy) in JsonNode.Parse(config.BoundClaims)!.AsObject())
        {
            var value = JwtPolicy.Get(claims, name);
            if (!JwtPolicy.IsPresent(value)) throw new UnauthorizedException($"Access denied: token has no {name} field");
            if (!JwtPolicy.Matches(value, policy!.GetValue<string>())) throw new UnauthorizedException($"Access denied: claim mismatch for field {name}");
        }
    }

    // Infisical's blockLocalAndPrivateIpAddresses at save time; the connection itself is checked again when keys are fetched.
    private async Task RequireReachableAsync(string configurationType, string? jwksUrl)
    {
        if (configurationType == Jwks && jwksUrl is not null && Uri.TryCreate(jwksUrl, UriKind.Absolute, out var url))
            await outbound.RequireAllowedAsync(url, CancellationToken.None);
    }

    private static string Keys(IReadOnlyList<string> keys) => new JsonArray([.. keys.Select(k => (JsonNode)k)]).ToJsonString();

    private static JsonObject EventMetadata(JwtAuthRow r) => new()
    {
        ["identityId"] = r.IdentityId,
        ["configurationType"] = r.ConfigurationType,
        ["jwksUrl"] = r.JwksUrl,
        ["boundIssuer"] = r.BoundIssuer,
        ["boundAudiences"] = r.BoundAudiences,
        ["boundClaims"] = JsonNode.Parse(r.BoundClaims),
        ["boundSubject"] = r.BoundSubject,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
    };
}
