namespace Coffer.Server.Permissions;

/// <summary>Project-scope permission subjects, spelled as Infisical's <c>ProjectPermissionSub</c>.</summary>
public static class ProjectSubject
{
    public const string Role = "role";
    public const string Member = "member";
    public const string Groups = "groups";
    public const string Settings = "settings";
    public const string Integrations = "integrations";
    public const string Webhooks = "webhooks";
    public const string ServiceTokens = "service-tokens";
    public const string Environments = "environments";
    public const string Tags = "tags";
    public const string AuditLogs = "audit-logs";
    public const string IpAllowList = "ip-allowlist";
    /// <summary>The project itself; Infisical still calls it <c>workspace</c>.</summary>
    public const string Project = "workspace";
    public const string Secrets = "secrets";
    public const string SecretFolders = "secret-folders";
    public const string SecretImports = "secret-imports";
    public const string DynamicSecrets = "dynamic-secrets";
    public const string SecretRollback = "secret-rollback";
    public const string SecretApproval = "secret-approval";
    public const string SecretRotation = "secret-rotation";
    public const string Commits = "commits";
    public const string Identity = "identity";
    public const string CertificateAuthorities = "certificate-authorities";
    public const string Certificates = "certificates";
    public const string CertificateTemplates = "certificate-templates";
    public const string SshCertificateAuthorities = "ssh-certificate-authorities";
    public const string SshCertificates = "ssh-certificates";
    public const string SshCertificateTemplates = "ssh-certificate-templates";
    public const string SshHosts = "ssh-hosts";
    public const string SshHostGroups = "ssh-host-groups";
    public const string PkiSubscribers = "pki-subscribers";
    public const string PkiAlerts = "pki-alerts";
    public const string PkiCollections = "pki-collections";
    public const string Kms = "kms";
    public const string Cmek = "cmek";
    public const string SecretSyncs = "secret-syncs";
    public const string PkiSyncs = "pki-syncs";
    public const string Kmip = "kmip";
    public const string SecretScanningDataSources = "secret-scanning-data-sources";
    public const string SecretScanningFindings = "secret-scanning-findings";
    public const string SecretScanningConfigs = "secret-scanning-configs";
    public const string SecretEvents = "secret-events";
    public const string AppConnections = "app-connections";
    public const string PamFolders = "pam-folders";
    public const string PamResources = "pam-resources";
    public const string PamAccounts = "pam-accounts";
    public const string PamSessions = "pam-sessions";
    public const string CertificateProfiles = "certificate-profiles";
    public const string ApprovalRequests = "approval-requests";
    public const string ApprovalRequestGrants = "approval-request-grants";
}

/// <summary>Organization-scope permission subjects, spelled as Infisical's <c>OrgPermissionSubjects</c>.</summary>
public static class OrgSubject
{
    public const string Workspace = "workspace";
    public const string Project = "project";
    public const string Role = "role";
    public const string Member = "member";
    public const string Settings = "settings";
    public const string IncidentAccount = "incident-contact";
    public const string Sso = "sso";
    public const string Scim = "scim";
    public const string GithubOrgSync = "github-org-sync";
    public const string GithubOrgSyncManual = "github-org-sync-manual";
    public const string Ldap = "ldap";
    public const string Groups = "groups";
    public const string Billing = "billing";
    public const string SecretScanning = "secret-scanning";
    public const string Identity = "identity";
    public const string Kms = "kms";
    public const string AdminConsole = "organization-admin-console";
    public const string MachineIdentityAuthTemplate = "machine-identity-auth-template";
    public const string AuditLogs = "audit-logs";
    public const string ProjectTemplates = "project-templates";
    public const string AppConnections = "app-connections";
    public const string Kmip = "kmip";
    public const string Gateway = "gateway";
    public const string Relay = "relay";
    public const string SecretShare = "secret-share";
    public const string SubOrganization = "sub-organization";
}
