namespace Coffer.Server.Features.IdentityMemberships;

public sealed class MembershipRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A membership joined with its identity and project, for the list and get answers.</summary>
public sealed class MembershipDetailRow
{
    public string Id { get; init; } = "";
    public string ProjectId { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public string IdentityName { get; init; } = "";
    public string IdentityOrgId { get; init; } = "";
    public string? IdentityProjectId { get; init; }
    public string ProjectName { get; init; } = "";
    public string? LastLoginAuthMethod { get; init; }
    public long? LastLoginTime { get; init; }
}

public sealed class MembershipRoleRow
{
    public string Id { get; init; } = "";
    public string MembershipId { get; init; } = "";
    public string Role { get; init; } = "";
    public string? CustomRoleId { get; init; }
    public string? CustomRoleName { get; init; }
    public string? CustomRoleSlug { get; init; }
    public bool IsTemporary { get; init; }
    public string? TemporaryMode { get; init; }
    public string? TemporaryRange { get; init; }
    public long? TemporaryAccessStartTime { get; init; }
    public long? TemporaryAccessEndTime { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
