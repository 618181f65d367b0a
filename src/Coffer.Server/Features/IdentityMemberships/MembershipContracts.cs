using System.Text.Json.Serialization;
using Coffer.Server.Data;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>The seed's identityMembership: exactly id, projectId, identityId, createdAt, updatedAt.</summary>
public sealed record MembershipDto(string Id, string ProjectId, string IdentityId, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static MembershipDto From(MembershipRow m) =>
        new(m.Id, m.ProjectId, m.IdentityId, UnixMs.ToUtc(m.CreatedAt), UnixMs.ToUtc(m.UpdatedAt));
}

public sealed record MembershipEnvelope<T>(T IdentityMembership);

/// <summary>A role of a membership in list and get answers.</summary>
public sealed record MembershipRoleDto(
    string Id,
    string Role,
    string? CustomRoleId,
    string? CustomRoleName,
    string? CustomRoleSlug,
    bool IsTemporary,
    string? TemporaryMode,
    string? TemporaryRange,
    DateTime? TemporaryAccessStartTime,
    DateTime? TemporaryAccessEndTime)
{
    public static MembershipRoleDto From(MembershipRoleRow r) => new(r.Id, r.Role, r.CustomRoleId, r.CustomRoleName, r.CustomRoleSlug,
        r.IsTemporary, r.TemporaryMode, r.TemporaryRange, UnixMs.ToUtc(r.TemporaryAccessStartTime), UnixMs.ToUtc(r.TemporaryAccessEndTime));
}

/// <summary>A role row as the deprecated update routes (A2, B2) return it.</summary>
public sealed record UpdatedRoleDto(
    string Id,
    string Role,
    string ProjectMembershipId,
    string? CustomRoleId,
    bool IsTemporary,
    string? TemporaryMode,
    string? TemporaryRange,
    DateTime? TemporaryAccessStartTime,
    DateTime? TemporaryAccessEndTime,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static UpdatedRoleDto From(MembershipRoleRow r) => new(r.Id, r.Role, r.MembershipId, r.CustomRoleId, r.IsTemporary,
        r.TemporaryMode, r.TemporaryRange, UnixMs.ToUtc(r.TemporaryAccessStartTime), UnixMs.ToUtc(r.TemporaryAccessEndTime),
        UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt));
}

public sealed record UpdatedRolesResponse(IReadOnlyList<UpdatedRoleDto> Roles);

/// <summary>Which family of routes is answering: the shapes differ slightly between them (spec §9.6–9.7).</summary>
public enum RouteForm
{
    /// <summary>A1–A6: /api/v1/projects/{projectId}/identity-memberships…</summary>
    ProjectsV1,

    /// <summary>B1–B6: the deprecated /api/v2/workspace/… twins.</summary>
    WorkspaceV2,

    /// <summary>C1–C5: /api/v1/projects/{projectId}/memberships/identities…</summary>
    Memberships,
}

public sealed record MembershipListResponse(IReadOnlyList<System.Text.Json.Nodes.JsonObject> IdentityMemberships, long TotalCount);
