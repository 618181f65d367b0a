using Coffer.Server.Data;
using Coffer.Server.Features.Organizations;

namespace Coffer.Server.Features.OrgUserMemberships;

/// <summary>The user inside a listed organization membership (Infisical's pick of <c>UsersSchema</c> plus <c>publicKey</c>).</summary>
public sealed record OrgMemberUserDto(string Username, string? Email, bool IsEmailVerified, string? FirstName, string? LastName, string Id, string? PublicKey);

/// <summary>An organization membership as Infisical lists it: the row without its times, with the user.</summary>
public sealed record OrgUserMembershipDto(string Id, string Role, string Status, string? InviteEmail, string UserId, string OrgId, string? RoleId,
    IReadOnlyList<string>? ProjectFavorites, bool IsActive, OrgMemberUserDto User)
{
    public static OrgUserMembershipDto From(OrgUserMembershipRow r) =>
        new(r.Id, r.Role, r.Status, InviteEmailOf(r), r.UserId, r.OrgId, r.RoleId, null, r.IsActive,
            new OrgMemberUserDto(r.Username, r.Email, r.IsEmailVerified, r.FirstName, r.LastName, r.UserId, null));

    /// <summary>Infisical keeps the invited address on the membership until the invitation is accepted.</summary>
    internal static string? InviteEmailOf(OrgUserMembershipRow r) => r.Status == OrgStore.Invited ? r.Email ?? r.Username : null;
}

/// <summary>An organization membership row as Infisical's update and delete answer it.</summary>
public sealed record OrgMembershipRowDto(string Id, string Role, string Status, string? InviteEmail, DateTime CreatedAt, DateTime UpdatedAt,
    string UserId, string OrgId, string? RoleId, IReadOnlyList<string>? ProjectFavorites, bool IsActive)
{
    public static OrgMembershipRowDto From(OrgUserMembershipRow r) =>
        new(r.Id, r.Role, r.Status, OrgUserMembershipDto.InviteEmailOf(r), UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt), r.UserId, r.OrgId,
            r.RoleId, null, r.IsActive);
}

public sealed record OrgUserMembershipList(IReadOnlyList<OrgUserMembershipDto> Users);

public sealed record OrgUserMembershipResponse(OrgUserMembershipDto Membership);

public sealed record OrgMembershipRowResponse(OrgMembershipRowDto Membership);
