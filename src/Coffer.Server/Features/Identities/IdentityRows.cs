namespace Coffer.Server.Features.Identities;

public sealed class IdentityRow
{
    public string Id { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string Name { get; init; } = "";
    public string? AuthMethod { get; init; }
    public bool HasDeleteProtection { get; init; }
    public string? ProjectId { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>An identity's membership in its organization (its org role).</summary>
public sealed class IdentityOrgMembershipRow
{
    public string Id { get; init; } = "";
    public string OrgId { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string Role { get; init; } = "";
    public string? RoleId { get; init; }
    public string? LastLoginAuthMethod { get; init; }
    public long? LastLoginTime { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public string IdentityName { get; init; } = "";
    public bool HasDeleteProtection { get; init; }
    public string? ProjectId { get; init; }
}

public sealed class IdentityMetadataRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public string Key { get; init; } = "";
    public string Value { get; init; } = "";
}
