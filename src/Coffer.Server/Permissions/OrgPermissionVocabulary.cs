namespace Coffer.Server.Permissions;

/// <summary>
/// Organization subjects and actions as Infisical's <c>OrgPermissionSchema</c> defines them
/// (backend/src/ee/services/permission/org-permission.ts), in the same order.
/// </summary>
internal static class OrgPermissionVocabulary
{
    private static readonly string[] Crud = ["read", "create", "edit", "delete"];

    public static readonly PermissionVocabulary Instance = new(
    [
        new(OrgSubject.Workspace, ["create"], false, null),
        new(OrgSubject.Project, ["create"], false, null),
        new(OrgSubject.Role, Crud, false, null),
        new(OrgSubject.SubOrganization, ["create", "direct-access", "link-group"], false, null),
        new(OrgSubject.Member, ["read", "create", "edit", "delete", "grant-privileges"], false, null),
        new(OrgSubject.Settings, Crud, false, null),
        new(OrgSubject.IncidentAccount, Crud, false, null),
        new(OrgSubject.Sso, Crud, false, null),
        new(OrgSubject.Scim, Crud, false, null),
        new(OrgSubject.GithubOrgSync, Crud, false, null),
        new(OrgSubject.GithubOrgSyncManual, Crud, false, null),
        new(OrgSubject.Ldap, Crud, false, null),
        new(OrgSubject.Groups,
            ["read", "create", "edit", "delete", "grant-privileges", "add-identities", "add-members", "remove-members", "remove-identities"], false, null),
        new(OrgSubject.SecretScanning, Crud, false, null),
        new(OrgSubject.Billing, ["read", "manage-billing"], false, null),
        new(OrgSubject.Identity,
            ["read", "create", "edit", "delete", "grant-privileges", "revoke-auth", "create-token", "get-token", "delete-token"], false, null),
        new(OrgSubject.Kms, Crud, false, null),
        new(OrgSubject.AuditLogs, ["read"], false, null),
        new(OrgSubject.ProjectTemplates, Crud, false, null),
        new(OrgSubject.AppConnections, ["read", "create", "edit", "delete", "connect"], true, [new("connectionId", Op.EqNeIn)]),
        new(OrgSubject.AdminConsole, ["access-all-projects"], false, null),
        new(OrgSubject.SecretShare, ["manage-settings"], false, null),
        new(OrgSubject.Kmip, ["proxy", "setup"], false, null),
        new(OrgSubject.MachineIdentityAuthTemplate,
            ["list-templates", "edit-templates", "create-templates", "delete-templates", "unlink-templates", "attach-templates"], false, null),
        new(OrgSubject.Gateway, ["create-gateways", "list-gateways", "edit-gateways", "delete-gateways", "attach-gateways"], false, null),
        new(OrgSubject.Relay, ["create-relays", "list-relays", "edit-relays", "delete-relays"], false, null),
    ]);
}
