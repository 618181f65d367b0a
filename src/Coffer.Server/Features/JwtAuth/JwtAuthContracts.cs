using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>A JWT auth configuration as read from an attach or update body; null leaves a field as it is (update).</summary>
public sealed record JwtAuthSettings(
    string ConfigurationType, string? JwksUrl, string? JwksCaCert, IReadOnlyList<string>? PublicKeys, string? BoundIssuer, string? BoundAudiences,
    JsonObject? BoundClaims, string? BoundSubject, TokenSettings Tokens);

/// <summary>Infisical's <c>identityJwtAuth</c> object.</summary>
public static class JwtAuthJson
{
    public static JsonObject From(JwtAuthRow r, bool withKeys = true)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["accessTokenTTL"] = r.AccessTokenTtl,
            ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
            ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
            ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
            ["identityId"] = r.IdentityId,
            ["configurationType"] = r.ConfigurationType,
            ["jwksUrl"] = r.JwksUrl,
            ["boundIssuer"] = r.BoundIssuer,
            ["boundAudiences"] = r.BoundAudiences,
            ["boundClaims"] = JsonNode.Parse(r.BoundClaims),
            ["boundSubject"] = r.BoundSubject,
        };
        if (withKeys)
        {
            o["jwksCaCert"] = r.JwksCaCert;
            o["publicKeys"] = JsonNode.Parse(r.PublicKeys);
        }
        return o;
    }
}
