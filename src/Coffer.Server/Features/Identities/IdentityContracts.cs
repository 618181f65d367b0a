using System.Text.Json.Serialization;
using Coffer.Server.Data;

namespace Coffer.Server.Features.Identities;

/// <summary>Infisical's IdentitiesSchema: exactly these fields.</summary>
public sealed record IdentityDto(
    string Id,
    string Name,
    string? AuthMethod,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool HasDeleteProtection,
    string OrgId,
    string? ProjectId)
{
    public static IdentityDto From(IdentityRow r) => new(r.Id, r.Name, r.AuthMethod, UnixMs.ToUtc(r.CreatedAt),
        UnixMs.ToUtc(r.UpdatedAt), r.HasDeleteProtection, r.OrgId, r.ProjectId);
}

public sealed record MetadataDto(string Id, string Key, string Value)
{
    public static MetadataDto From(IdentityMetadataRow r) => new(r.Id, r.Key, r.Value);
}

/// <summary>POST /api/v1/identities: the identity with its auth methods and metadata.</summary>
public sealed record CreatedIdentityDto(
    string Id,
    string Name,
    string? AuthMethod,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool HasDeleteProtection,
    string OrgId,
    string? ProjectId,
    IReadOnlyList<string> AuthMethods,
    IReadOnlyList<MetadataDto> Metadata);

public sealed record IdentitySummaryDto(
    string Name,
    string Id,
    bool HasDeleteProtection,
    string OrgId,
    IReadOnlyList<string> AuthMethods,
    IReadOnlyList<string> ActiveLockoutAuthMethods);

/// <summary>GET /api/v1/identities/{id} and the list: the org membership, with the identity nested.</summary>
public sealed record IdentityMembershipDto(
    string Id,
    string Role,
    string? RoleId,
    string OrgId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string IdentityId,
    string? LastLoginAuthMethod,
    DateTime? LastLoginTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MetadataDto>? Metadata,
    IdentitySummaryDto Identity);

public sealed record IdentityEnvelope<T>(T Identity);

public sealed record IdentityListResponse(IReadOnlyList<IdentityMembershipDto> Identities, long TotalCount);

/// <summary>A project-scoped identity as Infisical's project identity routes show it.</summary>
public sealed record ProjectIdentityDto(
    string Id,
    string Name,
    string OrgId,
    string? ProjectId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool HasDeleteProtection,
    IReadOnlyList<string> AuthMethods,
    IReadOnlyList<MetadataDto> Metadata);

public sealed record ProjectIdentityEnvelope(ProjectIdentityDto Identity);

public sealed record ProjectIdentityList(IReadOnlyList<ProjectIdentityDto> Identities, long TotalCount);
