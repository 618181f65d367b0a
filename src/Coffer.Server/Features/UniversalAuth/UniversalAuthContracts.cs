using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Coffer.Server.Data;

namespace Coffer.Server.Features.UniversalAuth;

public sealed record UniversalAuthDto(
    string Id,
    string ClientId,
    [property: JsonPropertyName("accessTokenTTL")] long AccessTokenTtl,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    long AccessTokenNumUsesLimit,
    JsonNode ClientSecretTrustedIps,
    JsonNode AccessTokenTrustedIps,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string IdentityId,
    long AccessTokenPeriod,
    bool LockoutEnabled,
    long LockoutThreshold,
    long LockoutDurationSeconds,
    long LockoutCounterResetSeconds)
{
    public static UniversalAuthDto From(UniversalAuthRow r) => new(r.Id, r.ClientId, r.AccessTokenTtl, r.AccessTokenMaxTtl,
        r.AccessTokenNumUsesLimit, JsonNode.Parse(r.ClientSecretTrustedIps)!, JsonNode.Parse(r.AccessTokenTrustedIps)!,
        UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt), r.IdentityId, r.AccessTokenPeriod, r.LockoutEnabled,
        r.LockoutThreshold, r.LockoutDurationSeconds, r.LockoutCounterResetSeconds);
}

public sealed record UniversalAuthEnvelope(UniversalAuthDto IdentityUniversalAuth);

/// <summary>Infisical's clientSecretData: everything about a client secret except the secret.</summary>
public sealed record ClientSecretDto(
    string Id,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string Description,
    string ClientSecretPrefix,
    DateTime? ClientSecretLastUsedAt,
    long ClientSecretNumUses,
    long ClientSecretNumUsesLimit,
    [property: JsonPropertyName("clientSecretTTL")] long ClientSecretTtl,
    [property: JsonPropertyName("identityUAId")] string IdentityUaId,
    bool IsClientSecretRevoked)
{
    public static ClientSecretDto From(ClientSecretRow r) => new(r.Id, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt),
        r.Description, r.ClientSecretPrefix, UnixMs.ToUtc(r.ClientSecretLastUsedAt), r.ClientSecretNumUses,
        r.ClientSecretNumUsesLimit, r.ClientSecretTtl, r.IdentityUaId, r.IsClientSecretRevoked);
}

public sealed record CreatedClientSecretResponse(string ClientSecret, ClientSecretDto ClientSecretData);

public sealed record ClientSecretEnvelope(ClientSecretDto ClientSecretData);

public sealed record ClientSecretListResponse(IReadOnlyList<ClientSecretDto> ClientSecretData);
