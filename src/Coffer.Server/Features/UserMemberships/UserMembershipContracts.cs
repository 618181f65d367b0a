using Coffer.Server.Data;

namespace Coffer.Server.Features.UserMemberships;

/// <summary>Infisical's <c>ProjectMembershipsSchema</c> for a user.</summary>
public sealed record UserMembershipDto(string Id, string UserId, string ProjectId, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static UserMembershipDto From(UserMembershipRow r) =>
        new(r.Id, r.UserId, r.ProjectId, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt));
}

public sealed record UserMembershipList(IReadOnlyList<UserMembershipDto> Memberships);
