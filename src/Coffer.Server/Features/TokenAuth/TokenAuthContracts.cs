using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;

namespace Coffer.Server.Features.TokenAuth;

public sealed record TokenAuthDto(
    string Id,
    [property: JsonPropertyName("accessTokenTTL")] long AccessTokenTtl,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    long AccessTokenNumUsesLimit,
    JsonNode AccessTokenTrustedIps,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string IdentityId,
    long AccessTokenPeriod)
{
    public static TokenAuthDto From(TokenAuthRow r) => new(r.Id, r.AccessTokenTtl, r.AccessTokenMaxTtl, r.AccessTokenNumUsesLimit,
        JsonNode.Parse(r.AccessTokenTrustedIps)!, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt), r.IdentityId, r.AccessTokenPeriod);
}

public sealed record TokenAuthEnvelope(TokenAuthDto IdentityTokenAuth);

/// <summary>An identity access token row as Infisical returns it (never the JWT itself).</summary>
public sealed record AccessTokenDto(
    string Id,
    [property: JsonPropertyName("accessTokenTTL")] long AccessTokenTtl,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    long AccessTokenNumUses,
    long AccessTokenNumUsesLimit,
    DateTime? AccessTokenLastUsedAt,
    DateTime? AccessTokenLastRenewedAt,
    bool IsAccessTokenRevoked,
    [property: JsonPropertyName("identityUAClientSecretId")] string? IdentityUaClientSecretId,
    string IdentityId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? Name,
    string AuthMethod,
    long AccessTokenPeriod)
{
    public static AccessTokenDto From(AccessTokenRow r) => new(r.Id, r.AccessTokenTtl, r.AccessTokenMaxTtl, r.AccessTokenNumUses,
        r.AccessTokenNumUsesLimit, UnixMs.ToUtc(r.AccessTokenLastUsedAt), UnixMs.ToUtc(r.AccessTokenLastRenewedAt),
        r.IsAccessTokenRevoked, r.IdentityUaClientSecretId, r.IdentityId, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt),
        r.Name, r.AuthMethod, r.AccessTokenPeriod);
}

public sealed record MintedTokenResponse(
    string AccessToken,
    long ExpiresIn,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    string TokenType,
    AccessTokenDto TokenData);

public sealed record TokenListResponse(IReadOnlyList<AccessTokenDto> Tokens);

public sealed record TokenEnvelope(AccessTokenDto Token);
