using Coffer.Server.Data;

namespace Coffer.Server.Features.Organizations;

/// <summary>
/// An organization as Infisical's <c>sanitizedOrganizationSchema</c> shows it, with the settings Coffer does not have
/// at their Infisical defaults (no SSO or SCIM enforcement, no MFA, the secrets product only).
/// </summary>
public sealed record OrganizationDto(
    string Id,
    string Name,
    string? CustomerId,
    string Slug,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool AuthEnforced,
    bool ScimEnabled,
    string? KmsDefaultKeyId,
    string DefaultMembershipRole,
    bool EnforceMfa,
    string? SelectedMfaMethod,
    bool AllowSecretSharingOutsideOrganization,
    bool ShouldUseNewPrivilegeSystem,
    bool BypassOrgAuthEnabled,
    bool SecretsProductEnabled,
    string? RootOrgId,
    string? ParentOrgId)
{
    public static OrganizationDto From(OrgRow o) => new(o.Id, o.Name, null, o.Slug, UnixMs.ToUtc(o.CreatedAt), UnixMs.ToUtc(o.UpdatedAt),
        false, false, null, "member", false, null, true, o.ShouldUseNewPrivilegeSystem, false, true, null, null);
}

public sealed record OrganizationList(IReadOnlyList<OrganizationDto> Organizations);

public sealed record OrgBasic(string Id, string Name, string Slug);

/// <summary>Coffer has no sub-organizations, so every list of them is empty.</summary>
public sealed record OrgWithSubOrgs(string Id, string Name, string Slug, DateTime CreatedAt, IReadOnlyList<OrgBasic> SubOrganizations);

public sealed record OrgWithSubOrgsList(IReadOnlyList<OrgWithSubOrgs> Organizations);

public sealed record SubOrganizationList(IReadOnlyList<OrgBasic> Organizations, int TotalCount);

public sealed record IdentityDetails(OrgBasic Organization);

public sealed record IdentityDetailsResponse(IdentityDetails IdentityDetails);
