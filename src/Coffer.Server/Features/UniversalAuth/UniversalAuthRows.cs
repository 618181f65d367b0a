namespace Coffer.Server.Features.UniversalAuth;

public sealed class UniversalAuthRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string ClientId { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public long AccessTokenPeriod { get; init; }
    public string ClientSecretTrustedIps { get; init; } = "[]";
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public bool LockoutEnabled { get; init; }
    public long LockoutThreshold { get; init; }
    public long LockoutDurationSeconds { get; init; }
    public long LockoutCounterResetSeconds { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

public sealed class ClientSecretRow
{
    public string Id { get; init; } = "";
    public string IdentityUaId { get; init; } = "";
    public string Description { get; init; } = "";
    public string ClientSecretPrefix { get; init; } = "";
    public string ClientSecretHash { get; init; } = "";
    public long? ClientSecretLastUsedAt { get; init; }
    public long ClientSecretNumUses { get; init; }
    public long ClientSecretNumUsesLimit { get; init; }
    public long ClientSecretTtl { get; init; }
    public bool IsClientSecretRevoked { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
