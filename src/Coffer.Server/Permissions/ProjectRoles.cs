using System.Collections.Frozen;

namespace Coffer.Server.Permissions;

/// <summary>A predefined role as the role list shows it.</summary>
public sealed record PredefinedRole(string Slug, string Name, string Description, IReadOnlyList<PermissionRule> Rules);

/// <summary>
/// Infisical's built-in project roles, rule for rule and in the same order as
/// backend/src/ee/services/permission/default-roles.ts, so denial details list the same rules.
/// </summary>
public static class ProjectRoles
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";
    public const string NoAccess = "no-access";
    public const string SshHostBootstrapper = "ssh-host-bootstrapper";
    public const string CryptographicOperator = "cryptographic-operator";

    /// <summary>Stored on a membership role that points at a custom role; never a valid custom role slug.</summary>
    public const string Custom = "custom";

    private static readonly string[] Crud = ["read", "edit", "create", "delete"];

    private static readonly FrozenDictionary<string, IReadOnlyList<PermissionRule>> BuiltInRoles =
        new Dictionary<string, IReadOnlyList<PermissionRule>>
        {
            [Admin] = BuildAdmin(),
            [Member] = BuildMember(),
            [Viewer] = BuildViewer(),
            [NoAccess] = [],
            [SshHostBootstrapper] = [PermissionRule.BuiltIn(ProjectSubject.SshHosts, ["create", "issue-host-cert"])],
            [CryptographicOperator] = [PermissionRule.BuiltIn(ProjectSubject.Cmek, ["encrypt", "decrypt", "sign", "verify"])],
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Slugs a custom project role may not take (Infisical's <c>ProjectMembershipRole</c> values).</summary>
    public static IReadOnlyList<string> ReservedSlugs { get; } =
        [Admin, Member, Custom, Viewer, NoAccess, SshHostBootstrapper, CryptographicOperator];

    public const string ReservedSlugMessage = "Please choose a different slug, the slug you have entered is reserved";

    /// <summary>
    /// The roles a secret-manager project lists before its custom roles, in Infisical's order
    /// (<c>getPredefinedRoles</c>; the cryptographic operator is listed for KMS projects only).
    /// </summary>
    public static IReadOnlyList<PredefinedRole> Predefined { get; } =
    [
        new(Admin, "Admin", "Full administrative access over a project", BuiltInRoles[Admin]),
        new(Member, "Member", "Limited read/write role in a project", BuiltInRoles[Member]),
        new(Viewer, "Viewer", "Only read role in a project", BuiltInRoles[Viewer]),
        new(NoAccess, "No Access", "No access to any resources in the project", BuiltInRoles[NoAccess]),
    ];

    /// <summary>True for the built-in slugs that carry rules; <c>custom</c> is reserved but is not a role.</summary>
    public static bool IsBuiltIn(string slug) => BuiltInRoles.ContainsKey(slug);

    public static bool IsReservedSlug(string slug) => ReservedSlugs.Contains(slug, StringComparer.Ordinal);

    /// <summary>The rules of a built-in role, or null when <paramref name="slug"/> names a custom role.</summary>
    public static IReadOnlyList<PermissionRule>? BuiltIn(string slug) => BuiltInRoles.GetValueOrDefault(slug);

    private static PermissionRule Can(string subject, params string[] actions) => PermissionRule.BuiltIn(subject, actions);

    private static PermissionRule CanOne(string subject, string action) => PermissionRule.BuiltIn(subject, action);

    private static PermissionRule[] BuildAdmin()
    {
        string[] fullAccess =
        [
            ProjectSubject.SecretFolders, ProjectSubject.SecretImports, ProjectSubject.Role, ProjectSubject.Integrations,
            ProjectSubject.Webhooks, ProjectSubject.ServiceTokens, ProjectSubject.Settings, ProjectSubject.Environments,
            ProjectSubject.Tags, ProjectSubject.IpAllowList, ProjectSubject.PkiAlerts, ProjectSubject.PkiCollections,
            ProjectSubject.SshCertificateAuthorities, ProjectSubject.SshCertificates, ProjectSubject.SshCertificateTemplates,
            ProjectSubject.SshHostGroups, ProjectSubject.PamFolders, ProjectSubject.PamResources,
        ];
        return
        [
            .. fullAccess.Select(subject => Can(subject, Crud)),
            Can(ProjectSubject.AuditLogs, "read"),
            Can(ProjectSubject.CertificateAuthorities, "read", "create", "edit", "delete", "issue-ca-certificate", "sign-intermediate"),
            Can(ProjectSubject.CertificateTemplates, "read", "edit", "create", "delete", "issue-cert", "list-certs"),
            Can(ProjectSubject.SecretApproval, Crud),
            Can(ProjectSubject.Certificates, "read", "edit", "create", "delete", "read-private-key", "import"),
            Can(ProjectSubject.CertificateProfiles, "read", "edit", "create", "delete", "issue-cert", "reveal-acme-eab-secret", "rotate-acme-eab-secret"),
            Can(ProjectSubject.Commits, "read", "perform-rollback"),
            Can(ProjectSubject.SshHosts, "edit", "read", "create", "delete", "issue-host-cert"),
            Can(ProjectSubject.PkiSubscribers, "edit", "read", "create", "delete", "issue-cert", "list-certs"),
            Can(ProjectSubject.Member, "create", "edit", "delete", "read", "grant-privileges", "assume-privileges"),
            Can(ProjectSubject.Groups, "create", "edit", "delete", "read", "grant-privileges"),
            Can(ProjectSubject.Identity,
                "create", "edit", "delete", "read", "grant-privileges", "assume-privileges", "get-token", "create-token", "delete-token", "revoke-auth"),
            Can(ProjectSubject.Secrets, "describeSecret", "read", "readValue", "create", "edit", "delete"),
            Can(ProjectSubject.DynamicSecrets, "read-root-credential", "edit-root-credential", "create-root-credential", "delete-root-credential", "lease"),
            Can(ProjectSubject.Project, "edit", "delete"),
            Can(ProjectSubject.SecretRollback, "read", "create"),
            Can(ProjectSubject.Kms, "edit"),
            Can(ProjectSubject.Cmek, "create", "edit", "delete", "read", "encrypt", "decrypt", "sign", "verify"),
            Can(ProjectSubject.SecretSyncs, "create", "edit", "delete", "read", "sync-secrets", "import-secrets", "remove-secrets"),
            Can(ProjectSubject.PkiSyncs, "create", "edit", "delete", "read", "sync-certificates", "import-certificates", "remove-certificates"),
            Can(ProjectSubject.Kmip, "create-clients", "update-clients", "delete-clients", "read-clients", "generate-client-certificates"),
            Can(ProjectSubject.SecretRotation, "create", "edit", "delete", "read", "read-generated-credentials", "rotate-secrets"),
            Can(ProjectSubject.SecretScanningDataSources,
                "create-data-sources", "edit-data-sources", "delete-data-sources", "read-data-sources",
                "trigger-data-source-scans", "read-data-source-scans", "read-data-source-resources"),
            Can(ProjectSubject.SecretScanningFindings, "read-findings", "update-findings"),
            Can(ProjectSubject.SecretScanningConfigs, "read-configs", "update-configs"),
            Can(ProjectSubject.SecretEvents, "subscribe-on-created", "subscribe-on-deleted", "subscribe-on-updated", "subscribe-on-import-mutations"),
            Can(ProjectSubject.AppConnections,
                "create-app-connections", "edit-app-connections", "delete-app-connections", "read-app-connections", "connect-app-connections"),
            Can(ProjectSubject.PamAccounts, "access", "read", "create", "edit", "delete"),
            Can(ProjectSubject.PamSessions, "read"),
            Can(ProjectSubject.ApprovalRequests, "read", "create"),
            Can(ProjectSubject.ApprovalRequestGrants, "read", "revoke"),
        ];
    }

    private static PermissionRule[] BuildMember() =>
    [
        Can(ProjectSubject.Secrets, "describeSecret", "read", "readValue", "edit", "create", "delete"),
        Can(ProjectSubject.SecretFolders, Crud),
        Can(ProjectSubject.DynamicSecrets, "read-root-credential", "edit-root-credential", "create-root-credential", "delete-root-credential", "lease"),
        Can(ProjectSubject.SecretImports, Crud),
        Can(ProjectSubject.Commits, "read", "perform-rollback"),
        Can(ProjectSubject.SecretApproval, "read"),
        Can(ProjectSubject.SecretRotation, "read"),
        Can(ProjectSubject.SecretRollback, "read", "create"),
        Can(ProjectSubject.Member, "read", "create"),
        Can(ProjectSubject.Groups, "read"),
        Can(ProjectSubject.Integrations, Crud),
        Can(ProjectSubject.Webhooks, Crud),
        Can(ProjectSubject.Identity, Crud),
        Can(ProjectSubject.ServiceTokens, Crud),
        Can(ProjectSubject.Settings, Crud),
        Can(ProjectSubject.Environments, Crud),
        Can(ProjectSubject.Tags, Crud),
        Can(ProjectSubject.Role, "read"),
        Can(ProjectSubject.AuditLogs, "read"),
        Can(ProjectSubject.IpAllowList, "read"),
        Can(ProjectSubject.CertificateAuthorities, "read"),
        Can(ProjectSubject.CertificateTemplates, "read"),
        Can(ProjectSubject.Certificates, "read", "edit", "create", "delete", "import"),
        Can(ProjectSubject.CertificateProfiles, Crud),
        Can(ProjectSubject.PkiAlerts, "read"),
        Can(ProjectSubject.PkiCollections, "read"),
        Can(ProjectSubject.SshCertificates, "read"),
        Can(ProjectSubject.SshCertificates, "create"),
        Can(ProjectSubject.SshCertificateTemplates, "read"),
        Can(ProjectSubject.SshHosts, "read"),
        Can(ProjectSubject.PkiSubscribers, "read"),
        Can(ProjectSubject.Cmek, "create", "edit", "delete", "read", "encrypt", "decrypt", "sign", "verify"),
        Can(ProjectSubject.SecretSyncs, "create", "edit", "delete", "read", "sync-secrets", "import-secrets", "remove-secrets"),
        Can(ProjectSubject.PkiSyncs, "create", "edit", "delete", "read", "sync-certificates", "import-certificates", "remove-certificates"),
        Can(ProjectSubject.SecretScanningDataSources, "read-data-sources", "trigger-data-source-scans", "read-data-source-scans", "read-data-source-resources"),
        Can(ProjectSubject.SecretScanningFindings, "read-findings", "update-findings"),
        Can(ProjectSubject.SecretScanningConfigs, "read-configs"),
        Can(ProjectSubject.SecretEvents, "subscribe-on-created", "subscribe-on-deleted", "subscribe-on-updated", "subscribe-on-import-mutations"),
        CanOne(ProjectSubject.AppConnections, "connect-app-connections"),
        Can(ProjectSubject.PamFolders, "read"),
        Can(ProjectSubject.PamResources, "read"),
        Can(ProjectSubject.PamAccounts, "access", "read"),
        Can(ProjectSubject.ApprovalRequests, "create"),
    ];

    private static PermissionRule[] BuildViewer() =>
    [
        Can(ProjectSubject.Secrets, "describeSecret", "readValue"),
        CanOne(ProjectSubject.SecretFolders, "read"),
        CanOne(ProjectSubject.DynamicSecrets, "read-root-credential"),
        CanOne(ProjectSubject.SecretImports, "read"),
        CanOne(ProjectSubject.SecretApproval, "read"),
        CanOne(ProjectSubject.SecretRollback, "read"),
        CanOne(ProjectSubject.SecretRotation, "read"),
        CanOne(ProjectSubject.Member, "read"),
        CanOne(ProjectSubject.Groups, "read"),
        CanOne(ProjectSubject.Role, "read"),
        CanOne(ProjectSubject.Integrations, "read"),
        CanOne(ProjectSubject.Webhooks, "read"),
        CanOne(ProjectSubject.Identity, "read"),
        CanOne(ProjectSubject.ServiceTokens, "read"),
        CanOne(ProjectSubject.Settings, "read"),
        CanOne(ProjectSubject.Environments, "read"),
        CanOne(ProjectSubject.Tags, "read"),
        CanOne(ProjectSubject.AuditLogs, "read"),
        CanOne(ProjectSubject.IpAllowList, "read"),
        CanOne(ProjectSubject.CertificateAuthorities, "read"),
        CanOne(ProjectSubject.Certificates, "read"),
        CanOne(ProjectSubject.CertificateTemplates, "read"),
        CanOne(ProjectSubject.Cmek, "read"),
        CanOne(ProjectSubject.SshCertificates, "read"),
        CanOne(ProjectSubject.SshCertificateTemplates, "read"),
        CanOne(ProjectSubject.SecretSyncs, "read"),
        CanOne(ProjectSubject.PkiSyncs, "read"),
        CanOne(ProjectSubject.Commits, "read"),
        Can(ProjectSubject.SecretScanningDataSources, "read-data-sources", "read-data-source-scans", "read-data-source-resources"),
        Can(ProjectSubject.SecretScanningFindings, "read-findings"),
        Can(ProjectSubject.SecretScanningConfigs, "read-configs"),
        Can(ProjectSubject.SecretEvents, "subscribe-on-created", "subscribe-on-deleted", "subscribe-on-updated", "subscribe-on-import-mutations"),
        Can(ProjectSubject.PamFolders, "read"),
        Can(ProjectSubject.PamResources, "read"),
        Can(ProjectSubject.PamAccounts, "read"),
    ];
}
