namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Organization-level identity routes. Another organization's identity is reported exactly like a missing one (404);
/// the no-access caller (here: organization role <c>no-access</c>) is refused by the organization check; the viewer is an organization
/// <c>member</c>, whose built-in role manages identities (read, create, edit, delete) but not their tokens
/// (create-token, get-token, delete-token) nor revoking an auth method (revoke-auth).
/// </summary>
public sealed partial class DenialRouteTable
{
    private void OrganizationReadRoutes()
    {
        // Each caller reads the organization its token belongs to; nothing names another one to probe.
        var own = Deny.Allowed("reads the caller's own organization only");
        Read("/api/v1/organization", "/api/v1/organization", own, own, org: true);
        Read("/api/v1/organization/accessible-with-sub-orgs", "/api/v1/organization/accessible-with-sub-orgs", own, own, org: true);
        Read("/api/v1/identities/details", "/api/v1/identities/details", own, own, org: true);
        var none = Deny.Allowed("Coffer has no sub-organizations: every member of an organization lists the same empty set");
        Read("/api/v1/sub-organizations", "/api/v1/sub-organizations?limit=1000&offset=0", none, none, org: true);
    }

    private void ServiceTokenRoutes()
    {
        // Not served: every caller gets the same 401 explaining that service tokens are not supported.
        var refused = new Denied(401, "UnauthorizedError",
            "Service tokens are not supported by this server. Please switch to machine identity authentication (universal auth or token auth).");
        RefusedToAll("GET", "/api/v2/service-token", null, refused);
        RefusedToAll("POST", "/api/v2/service-token", new { name = "ci" }, refused);
    }

    private void ProjectIdentityRoutes()
    {
        const string pattern = "/api/v1/projects/{projectId}/identities";
        var root = $"/api/v1/projects/{w.ProjectId}/identities";
        var one = $"{root}/{w.ProjectIdentityId}";
        ProjectWrite("POST", pattern, root, new { name = "denied-identity" }, "create", "identity");
        ProjectWrite("PATCH", pattern + "/{identityId}", one, new { name = "renamed" }, "edit", "identity");
        ProjectWrite("DELETE", pattern + "/{identityId}", one, null, "delete", "identity");
        ProjectRead(pattern + "/{identityId}", one, "read", "identity");
        ProjectRead(pattern, root, "read", "identity");
    }

    private void IdentityRoutes()
    {
        const string root = "/api/v1/identities";
        var one = $"{root}/{w.MemberId}";
        var missing = Deny.NotFound($"Failed to find identity with id {w.MemberId}");
        Write("POST", root, root, new { name = "denied-identity", organizationId = w.OrgId, role = "no-access" },
            Deny.OrgScope(w), Deny.Permission("create", "identity"), MembersMay("create"), org: true);
        Read(root, $"{root}?orgId={w.OrgId}", Deny.OrgScope(w), Deny.Permission("read", "identity"), org: true);
        Write("PATCH", root + "/{identityId}", one, new { name = "renamed" }, missing, Deny.Permission("edit", "identity"),
            MembersMay("edit"), org: true);
        Write("DELETE", root + "/{identityId}", one, null, missing, Deny.Permission("delete", "identity"),
            MembersMay("delete"), org: true);
        Read(root + "/{identityId}", one, missing, Deny.Permission("read", "identity"), org: true);
    }

    private void UniversalAuthRoutes()
    {
        const string pattern = "/api/v1/auth/universal-auth/identities/{identityId}";
        var ua = $"/api/v1/auth/universal-auth/identities/{w.MemberId}";
        var secret = $"{ua}/client-secrets/{w.ClientSecretId}";
        AuthMethodRoutes(pattern, ua, $"/api/v1/auth/universal-auth/identities/{w.BareIdentityId}", new { accessTokenTTL = 3600 });
        IdentityWrite("POST", pattern + "/clear-lockouts", $"{ua}/clear-lockouts", null, w.MemberId, "edit", MembersMay("edit"));
        IdentityWrite("POST", pattern + "/client-secrets", $"{ua}/client-secrets", new { description = "denied" }, w.MemberId, "create-token",
            Deny.Permission("create-token", "identity"));
        IdentityRead(pattern + "/client-secrets", $"{ua}/client-secrets", w.MemberId, "get-token");
        IdentityRead(pattern + "/client-secrets/{clientSecretId}", secret, w.MemberId, "get-token");
        IdentityWrite("POST", pattern + "/client-secrets/{clientSecretId}/revoke", $"{secret}/revoke", null, w.MemberId, "delete-token",
            Deny.Permission("delete-token", "identity"));
    }

    private void TokenAuthRoutes()
    {
        const string pattern = "/api/v1/auth/token-auth/identities/{identityId}";
        var ta = $"/api/v1/auth/token-auth/identities/{w.MemberId}";
        AuthMethodRoutes(pattern, ta, $"/api/v1/auth/token-auth/identities/{w.BareIdentityId}", new { accessTokenTTL = 3600 });
        IdentityWrite("POST", pattern + "/tokens", $"{ta}/tokens", new { name = "denied" }, w.MemberId, "create-token",
            Deny.Permission("create-token", "identity"));
        IdentityRead(pattern + "/tokens", $"{ta}/tokens", w.MemberId, "get-token");

        // By token id: a token of another organization's identity is not found.
        var token = $"/api/v1/auth/token-auth/tokens/{w.TokenId}";
        var missing = Deny.NotFound($"Token with ID {w.TokenId} not found");
        Read("/api/v1/auth/token-auth/tokens/{tokenId}", token, missing, Deny.Permission("get-token", "identity"), org: true);
        Write("PATCH", "/api/v1/auth/token-auth/tokens/{tokenId}", token, new { name = "renamed" }, missing, Deny.Permission("edit", "identity"),
            MembersMay("edit"), org: true);
        Write("POST", "/api/v1/auth/token-auth/tokens/{tokenId}/revoke", token + "/revoke", null, missing, Deny.Permission("delete-token", "identity"),
            Deny.Permission("delete-token", "identity"), org: true);
    }

    private void JwtAuthRoutes()
    {
        const string pattern = "/api/v1/auth/jwt-auth/identities/{identityId}";
        var configured = $"/api/v1/auth/jwt-auth/identities/{w.MemberId}";
        IdentityWrite("POST", pattern, $"/api/v1/auth/jwt-auth/identities/{w.BareIdentityId}",
            new { configurationType = "static", publicKeys = new[] { DenialWorld.JwtPublicKey }, boundClaims = new { } }, w.BareIdentityId, "create",
            MembersMay("create"));
        IdentityWrite("PATCH", pattern, configured, new { configurationType = "static", publicKeys = new[] { DenialWorld.JwtPublicKey }, boundSubject = "denied" }, w.MemberId, "edit", MembersMay("edit"));
        IdentityRead(pattern, configured, w.MemberId, "read");
        IdentityWrite("DELETE", pattern, configured, null, w.MemberId, "edit", Deny.Permission("revoke-auth", "identity"));
    }

    private void OidcAuthRoutes()
    {
        const string pattern = "/api/v1/auth/oidc-auth/identities/{identityId}";
        var configured = $"/api/v1/auth/oidc-auth/identities/{w.MemberId}";
        IdentityWrite("POST", pattern, $"/api/v1/auth/oidc-auth/identities/{w.BareIdentityId}",
            new { oidcDiscoveryUrl = DenialWorld.OidcDiscoveryUrl, boundIssuer = DenialWorld.OidcDiscoveryUrl, boundClaims = new { } }, w.BareIdentityId,
            "create", MembersMay("create"));
        IdentityWrite("PATCH", pattern, configured, new { boundSubject = "denied" }, w.MemberId, "edit", MembersMay("edit"));
        IdentityRead(pattern, configured, w.MemberId, "read");
        IdentityWrite("DELETE", pattern, configured, null, w.MemberId, "edit", Deny.Permission("revoke-auth", "identity"));
    }

    private void KubernetesAuthRoutes()
    {
        const string pattern = "/api/v1/auth/kubernetes-auth/identities/{identityId}";
        var configured = $"/api/v1/auth/kubernetes-auth/identities/{w.MemberId}";
        IdentityWrite("POST", pattern, $"/api/v1/auth/kubernetes-auth/identities/{w.BareIdentityId}", new { kubernetesHost = DenialWorld.KubernetesHost },
            w.BareIdentityId, "create", MembersMay("create"));
        IdentityWrite("PATCH", pattern, configured, new { allowedNamespaces = "denied" }, w.MemberId, "edit", MembersMay("edit"));
        IdentityRead(pattern, configured, w.MemberId, "read");
        IdentityWrite("DELETE", pattern, configured, null, w.MemberId, "edit", Deny.Permission("revoke-auth", "identity"));
    }

    private void AwsAuthRoutes()
    {
        const string pattern = "/api/v1/auth/aws-auth/identities/{identityId}";
        AuthMethodRoutes(pattern, $"/api/v1/auth/aws-auth/identities/{w.MemberId}", $"/api/v1/auth/aws-auth/identities/{w.BareIdentityId}",
            new { allowedAccountIds = "210987654321" });
    }

    private void LdapAuthRoutes()
    {
        const string pattern = "/api/v1/auth/ldap-auth/identities/{identityId}";
        var configured = $"/api/v1/auth/ldap-auth/identities/{w.MemberId}";
        IdentityWrite("POST", pattern, $"/api/v1/auth/ldap-auth/identities/{w.BareIdentityId}",
            new { url = "ldap://127.0.0.1:9", bindDN = "cn=denied", bindPass = "denied", searchBase = "dc=denied" }, w.BareIdentityId, "create",
            MembersMay("create"));
        IdentityWrite("PATCH", pattern, configured, new { searchFilter = "(cn={{username}})" }, w.MemberId, "edit", MembersMay("edit"));
        IdentityRead(pattern, configured, w.MemberId, "read");
        IdentityWrite("DELETE", pattern, configured, null, w.MemberId, "edit", Deny.Permission("revoke-auth", "identity"));
        IdentityWrite("POST", pattern + "/clear-lockouts", $"{configured}/clear-lockouts", null, w.MemberId, "edit", MembersMay("edit"));
    }

    /// <summary>Attach (on an identity without the method), update, read and revoke of one auth method.</summary>
    private void AuthMethodRoutes(string pattern, string configured, string bare, object update)
    {
        IdentityWrite("POST", pattern, bare, new { }, w.BareIdentityId, "create", MembersMay("create"));
        IdentityWrite("PATCH", pattern, configured, update, w.MemberId, "edit", MembersMay("edit"));
        IdentityRead(pattern, configured, w.MemberId, "read");
        // Revoking an auth method needs edit and revoke-auth; the member role has only the first.
        IdentityWrite("DELETE", pattern, configured, null, w.MemberId, "edit", Deny.Permission("revoke-auth", "identity"));
    }

    private void IdentityRead(string pattern, string path, string identityId, string action) =>
        Read(pattern, path, Deny.NotFound($"Failed to find identity with ID {identityId}"), Deny.Permission(action, "identity"), org: true);

    private void IdentityWrite(string method, string pattern, string path, object? body, string identityId, string action, Outcome viewer) =>
        Write(method, pattern, path, body, Deny.NotFound($"Failed to find identity with ID {identityId}"), Deny.Permission(action, "identity"), viewer,
            org: true);

    private static NotDenied MembersMay(string action) =>
        Deny.Allowed($"the viewer's organization role is member, which may {action} identities (Infisical's built-in member role)");
}
