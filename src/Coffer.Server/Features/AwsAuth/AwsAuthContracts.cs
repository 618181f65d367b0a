using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;

namespace Coffer.Server.Features.AwsAuth;

/// <summary>An AWS auth configuration as read from an attach or update body; null leaves a field as it is (update).</summary>
public sealed record AwsAuthSettings(
    string? StsEndpoint, string? AllowedPrincipalArns, string? AllowedAccountIds, TokenSettings Tokens);

/// <summary>A login's signed <c>sts:GetCallerIdentity</c>, decoded from the SDK's base64 fields.</summary>
public sealed record SignedStsRequest(string Method, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>Infisical's <c>identityAwsAuth</c> object.</summary>
public static class AwsAuthJson
{
    public static JsonObject From(AwsAuthRow r) => new()
    {
        ["id"] = r.Id,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
        ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
        ["identityId"] = r.IdentityId,
        ["type"] = "iam",
        ["stsEndpoint"] = r.StsEndpoint,
        ["allowedPrincipalArns"] = r.AllowedPrincipalArns,
        ["allowedAccountIds"] = r.AllowedAccountIds,
    };
}
