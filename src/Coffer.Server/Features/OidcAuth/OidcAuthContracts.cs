using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;

namespace Coffer.Server.Features.OidcAuth;

/// <summary>An OIDC auth configuration as read from an attach or update body; null leaves a field as it is (update).</summary>
public sealed record OidcAuthSettings(
    string? OidcDiscoveryUrl, string? CaCert, string? BoundIssuer, string? BoundAudiences, JsonObject? BoundClaims, JsonObject? ClaimMetadataMapping,
    string? BoundSubject, TokenSettings Tokens);

/// <summary>Infisical's <c>identityOidcAuth</c> object.</summary>
public static class OidcAuthJson
{
    public static JsonObject From(OidcAuthRow r, bool withCaCert = true)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["accessTokenTTL"] = r.AccessTokenTtl,
            ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
            ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
            ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
            ["identityId"] = r.IdentityId,
            ["oidcDiscoveryUrl"] = r.OidcDiscoveryUrl,
            ["boundIssuer"] = r.BoundIssuer,
            ["boundAudiences"] = r.BoundAudiences,
            ["boundClaims"] = JsonNode.Parse(r.BoundClaims),
            ["claimMetadataMapping"] = r.ClaimMetadataMapping is null ? null : JsonNode.Parse(r.ClaimMetadataMapping),
            ["boundSubject"] = r.BoundSubject,
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
        };
        if (withCaCert) o["caCert"] = r.CaCert;
        return o;
    }
}
