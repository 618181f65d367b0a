namespace Coffer.Server.Permissions;

/// <summary>
/// Project subjects and their actions as Infisical's <c>ProjectPermissionV2Schema</c> defines them
/// (backend/src/ee/services/permission/project-permission.ts), in the same order, so validation errors read the same.
/// <c>issue-ca-certificate</c> and <c>approval-request-grants</c> come from the newer default-roles.ts, whose admin role uses them.
/// </summary>
internal static class ProjectPermissionVocabulary
{
    private static readonly string[] Crud = ["read", "create", "edit", "delete"];

    private static FieldSpec Field(string name, string[] ops) => new(name, ops);
    private static FieldSpec PathField(string name) => new(name, Op.EqNeInGlob) { IsPath = true };

    // SecretConditionV1Schema: folders and rotations never got $glob on environment.
    private static FieldSpec[] SecretConditionV1 => [Field("environment", Op.EqNeIn), PathField("secretPath")];
    private static FieldSpec[] EnvironmentAndPath => [Field("environment", Op.EqNeInGlob), PathField("secretPath")];

    public static readonly PermissionVocabulary Instance = new(
    [
        new(ProjectSubject.Secrets, ["read", "describeSecret", "readValue", "create", "edit", "delete"], true,
        [
            Field("environment", Op.EqNeInGlob),
            PathField("secretPath"),
            Field("secretName", Op.EqNeInGlob),
            new("secretTags", [Op.In]) { AllowsShorthand = false },
            Field("eventType", Op.EqNeIn),
        ]),
        new(ProjectSubject.SecretFolders, Crud, true, SecretConditionV1),
        new(ProjectSubject.SecretImports, Crud, true, EnvironmentAndPath),
        new(ProjectSubject.DynamicSecrets,
            ["read-root-credential", "create-root-credential", "edit-root-credential", "delete-root-credential", "lease"], true,
            [Field("environment", Op.EqNeInGlob), PathField("secretPath"), new("metadata", [Op.ElemMatch]) { AllowsShorthand = false, IsElemMatch = true }]),
        new(ProjectSubject.Identity,
            ["read", "create", "edit", "delete", "grant-privileges", "assume-privileges", "revoke-auth", "create-token", "get-token", "delete-token"], true,
            [Field("identityId", Op.EqNeIn)]),
        new(ProjectSubject.SshHosts, ["read", "create", "edit", "delete", "issue-host-cert"], true,
            [Field("hostname", [Op.Eq, Op.Glob, Op.In])]),
        new(ProjectSubject.PkiSubscribers, ["read", "create", "edit", "delete", "issue-cert", "list-certs"], true,
            [Field("name", [Op.Eq, Op.Glob, Op.In])]),
        new(ProjectSubject.CertificateTemplates, ["read", "create", "edit", "delete", "issue-cert", "list-certs"], true,
            [Field("name", [Op.Eq, Op.Ne, Op.Glob, Op.In])]),
        new(ProjectSubject.SecretRotation, ["read", "read-generated-credentials", "create", "edit", "delete", "rotate-secrets"], true,
            SecretConditionV1),
        new(ProjectSubject.SecretSyncs, ["read", "create", "edit", "delete", "sync-secrets", "import-secrets", "remove-secrets"], true,
            EnvironmentAndPath),
        new(ProjectSubject.PkiSyncs, ["read", "create", "edit", "delete", "sync-certificates", "import-certificates", "remove-certificates"], true,
            [Field("name", Op.EqNeInGlob), Field("subscriberName", Op.EqNeInGlob)]),
        new(ProjectSubject.SecretEvents, ["subscribe-on-created", "subscribe-on-updated", "subscribe-on-deleted", "subscribe-on-import-mutations"], true,
            EnvironmentAndPath),
        new(ProjectSubject.CertificateProfiles,
            ["read", "create", "edit", "delete", "issue-cert", "reveal-acme-eab-secret", "rotate-acme-eab-secret"], true,
            [Field("slug", Op.EqNeInGlob)]),
        new(ProjectSubject.CertificateAuthorities,
            ["read", "create", "edit", "delete", "renew", "sign-intermediate", "issue-ca-certificate"], true,
            [Field("name", Op.EqNeInGlob)]),
        new(ProjectSubject.Certificates, ["read", "create", "edit", "delete", "read-private-key", "import"], true,
        [
            Field("commonName", Op.EqNeInGlob), Field("altNames", Op.EqNeInGlob), Field("serialNumber", Op.EqNeInGlob),
            Field("friendlyName", Op.EqNeInGlob), Field("status", Op.EqNeInGlob),
        ]),

        // GeneralPermissionSchema: no conditions, no inverted, except where noted.
        new(ProjectSubject.SecretApproval, Crud, false, null),
        new(ProjectSubject.SecretRollback, ["read", "create"], false, null),
        new(ProjectSubject.Member, ["read", "create", "edit", "delete", "grant-privileges", "assume-privileges"], false, null),
        new(ProjectSubject.Groups, ["read", "create", "edit", "delete", "grant-privileges"], false, null),
        new(ProjectSubject.Role, Crud, false, null),
        new(ProjectSubject.Integrations, Crud, false, null),
        new(ProjectSubject.Webhooks, Crud, false, null),
        new(ProjectSubject.ServiceTokens, Crud, false, null),
        new(ProjectSubject.Settings, Crud, false, null),
        new(ProjectSubject.Environments, Crud, false, null),
        new(ProjectSubject.Tags, Crud, false, null),
        new(ProjectSubject.AuditLogs, ["read"], false, null),
        new(ProjectSubject.IpAllowList, Crud, false, null),
        new(ProjectSubject.SshCertificateAuthorities, Crud, false, null),
        new(ProjectSubject.SshCertificates, Crud, false, null),
        new(ProjectSubject.SshCertificateTemplates, Crud, false, null),
        new(ProjectSubject.SshHostGroups, Crud, false, null),
        new(ProjectSubject.PkiAlerts, Crud, false, null),
        new(ProjectSubject.PkiCollections, Crud, false, null),
        new(ProjectSubject.Project, ["edit", "delete"], false, null),
        new(ProjectSubject.Kms, ["edit"], false, null),
        new(ProjectSubject.Cmek, ["read", "create", "edit", "delete", "encrypt", "decrypt", "sign", "verify"], false, null),
        new(ProjectSubject.Kmip, ["create-clients", "update-clients", "delete-clients", "read-clients", "generate-client-certificates"], false, null),
        new(ProjectSubject.Commits, ["read", "perform-rollback"], false, null),
        new(ProjectSubject.SecretScanningDataSources,
        [
            "read-data-sources", "create-data-sources", "edit-data-sources", "delete-data-sources",
            "trigger-data-source-scans", "read-data-source-scans", "read-data-source-resources",
        ], false, null),
        new(ProjectSubject.SecretScanningFindings, ["read-findings", "update-findings"], false, null),
        new(ProjectSubject.SecretScanningConfigs, ["read-configs", "update-configs"], false, null),
        new(ProjectSubject.AppConnections,
            ["read-app-connections", "create-app-connections", "edit-app-connections", "delete-app-connections", "connect-app-connections"], true,
            [Field("connectionId", Op.EqNeIn)]),
        new(ProjectSubject.PamFolders, Crud, false, null),
        new(ProjectSubject.PamResources, Crud, false, null),
        new(ProjectSubject.PamAccounts, ["access", "read", "create", "edit", "delete"], true,
            [Field("resourceName", Op.EqNeInGlob), Field("accountName", Op.EqNeInGlob), PathField("accountPath")]),
        new(ProjectSubject.PamSessions, ["read"], false, null),
        new(ProjectSubject.ApprovalRequests, ["read", "create"], false, null),
        new(ProjectSubject.ApprovalRequestGrants, ["read", "revoke"], false, null),
    ]);

    /// <summary>
    /// <c>ProjectPermissionV1Schema</c>, which the deprecated <c>/api/v1/workspace/{projectSlug}/roles</c> routes still
    /// take: secrets with the four classic actions and V1 conditions, folders read-only and without conditions, identities
    /// and rotations with the four classic actions and nothing else, and the general subjects exactly as in V2. Imports and
    /// dynamic secrets are not subjects here; the backfill derives them.
    /// </summary>
    public static readonly PermissionVocabulary V1 = new(
    [
        new(ProjectSubject.Secrets, Crud, true, SecretConditionV1),
        new(ProjectSubject.SecretFolders, ["read"], true, null),
        new(ProjectSubject.Identity, Crud, false, null),
        new(ProjectSubject.SecretRotation, Crud, false, null),
        .. Instance.Subjects.SkipWhile(s => s.Name != ProjectSubject.SecretApproval),
    ]);
}
