using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;

namespace Coffer.Server.Features.KubernetesAuth;

/// <summary>A Kubernetes auth configuration as read from an attach or update body; null leaves a field as it is (update).</summary>
public sealed record KubernetesAuthSettings(
    string? KubernetesHost, string? CaCert, string? TokenReviewerJwt, string? AllowedNamespaces, string? AllowedNames, string? AllowedAudience,
    TokenSettings Tokens);

/// <summary>
/// Infisical's <c>identityKubernetesAuth</c> object, with one difference: <c>tokenReviewerJwt</c> is always null — a
/// service account's token is a credential, and Coffer shows none it stores (Terraform does not read it back).
/// </summary>
public static class KubernetesAuthJson
{
    public static JsonObject From(KubernetesAuthRow r, bool withCaCert = true)
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
            ["tokenReviewMode"] = r.TokenReviewMode,
            ["identityId"] = r.IdentityId,
            ["kubernetesHost"] = r.KubernetesHost,
            ["allowedNamespaces"] = r.AllowedNamespaces,
            ["allowedNames"] = r.AllowedNames,
            ["allowedAudience"] = r.AllowedAudience,
            ["gatewayId"] = null,
        };
        if (withCaCert)
        {
            o["caCert"] = r.CaCert;
            o["tokenReviewerJwt"] = null;
        }
        return o;
    }
}
