namespace Coffer.Server.Features.AccessTokens;

/// <summary>A row of identity_access_tokens.</summary>
public sealed class AccessTokenRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string AuthMethod { get; init; } = "";
    public string? IdentityUaClientSecretId { get; init; }
    public string? Name { get; init; }
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUses { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public long AccessTokenPeriod { get; init; }
    public long? AccessTokenLastUsedAt { get; init; }
    public long? AccessTokenLastRenewedAt { get; init; }
    public bool IsAccessTokenRevoked { get; init; }
    public string? SubOrganizationId { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
