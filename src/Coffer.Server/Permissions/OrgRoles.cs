using System.Collections.Frozen;

namespace Coffer.Server.Permissions;

/// <summary>
/// Infisical's built-in organization roles, rule for rule and in order, from
/// backend/src/ee/services/permission/org-permission.ts (every rule there names a single action).
/// </summary>
public static class OrgRoles
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string NoAccess = "no-access";
    public const string Custom = "custom";

    private static readonly string[] Crud = ["read", "create", "edit", "delete"];

    private static readonly FrozenDictionary<string, IReadOnlyList<PermissionRule>> BuiltInRoles =
        new Dictionary<string, IReadOnlyList<PermissionRule>>
        {
            [Admin] = BuildAdmin(),
            [Member] = BuildMember(),
            [NoAccess] = [],
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Slugs a custom organization role may not take (Infisical's <c>OrgMembershipRole</c> values).</summary>
    public static IReadOnlyList<string> ReservedSlugs { get; } = [Admin, Member, NoAccess, Custom];

    public static bool IsBuiltIn(string slug) => BuiltInRoles.ContainsKey(slug);

    public static bool IsReservedSlug(string slug) => ReservedSlugs.Contains(slug, StringComparer.Ordinal);

    /// <summary>The rules of a built-in role, or null when <paramref name="slug"/> names a custom role.</summary>
    public static IReadOnlyList<PermissionRule>? BuiltIn(string slug) => BuiltInRoles.GetValueOrDefault(slug);

    private static IEnumerable<PermissionRule> Can(string subject, params string[] actions) =>
        actions.Select(action => PermissionRule.BuiltIn(subject, action));

    private static PermissionRule[] BuildAdmin() =>
    [
        .. Can(OrgSubject.Workspace, "create"),
        .. Can(OrgSubject.Project, "create"),
        .. Can(OrgSubject.SubOrganization, "create", "direct-access", "link-group"),
        .. Can(OrgSubject.Role, Crud),
        .. Can(OrgSubject.Member, "read", "create", "edit", "delete", "grant-privileges"),
        .. Can(OrgSubject.SecretScanning, Crud),
        .. Can(OrgSubject.Settings, Crud),
        .. Can(OrgSubject.IncidentAccount, Crud),
        .. Can(OrgSubject.Sso, Crud),
        .. Can(OrgSubject.Scim, Crud),
        .. Can(OrgSubject.GithubOrgSync, Crud),
        .. Can(OrgSubject.GithubOrgSyncManual, Crud),
        .. Can(OrgSubject.Ldap, Crud),
        .. Can(OrgSubject.Groups,
            "read", "create", "edit", "delete", "grant-privileges", "add-identities", "add-members", "remove-members", "remove-identities"),
        .. Can(OrgSubject.Billing, "read", "manage-billing"),
        .. Can(OrgSubject.Identity,
            "read", "create", "edit", "delete", "grant-privileges", "revoke-auth", "create-token", "get-token", "delete-token"),
        .. Can(OrgSubject.Kms, Crud),
        .. Can(OrgSubject.AuditLogs, "read"),
        .. Can(OrgSubject.ProjectTemplates, Crud),
        .. Can(OrgSubject.AppConnections, "read", "create", "edit", "delete", "connect"),
        .. Can(OrgSubject.Gateway, "list-gateways", "create-gateways", "edit-gateways", "delete-gateways", "attach-gateways"),
        .. Can(OrgSubject.Relay, "list-relays", "create-relays", "edit-relays", "delete-relays"),
        .. Can(OrgSubject.AdminConsole, "access-all-projects"),
        .. Can(OrgSubject.Kmip, "setup", "proxy"),
        .. Can(OrgSubject.MachineIdentityAuthTemplate,
            "list-templates", "edit-templates", "create-templates", "delete-templates", "unlink-templates", "attach-templates"),
        .. Can(OrgSubject.SecretShare, "manage-settings"),
    ];

    private static PermissionRule[] BuildMember() =>
    [
        .. Can(OrgSubject.Workspace, "create"),
        .. Can(OrgSubject.Project, "create"),
        .. Can(OrgSubject.Member, "read"),
        .. Can(OrgSubject.Groups, "read"),
        .. Can(OrgSubject.Role, "read"),
        .. Can(OrgSubject.Settings, "read"),
        .. Can(OrgSubject.Billing, "read"),
        .. Can(OrgSubject.IncidentAccount, "read"),
        .. Can(OrgSubject.SecretScanning, Crud),
        .. Can(OrgSubject.Identity, "read", "create", "edit", "delete"),
        .. Can(OrgSubject.AuditLogs, "read"),
        .. Can(OrgSubject.AppConnections, "connect"),
        .. Can(OrgSubject.Gateway, "list-gateways", "create-gateways", "attach-gateways"),
        .. Can(OrgSubject.Relay, "list-relays", "create-relays", "edit-relays"),
        .. Can(OrgSubject.MachineIdentityAuthTemplate, "list-templates", "unlink-templates", "attach-templates"),
    ];
}
