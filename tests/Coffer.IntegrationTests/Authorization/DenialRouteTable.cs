namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// The scope matrix's route table: one entry per <c>METHOD pattern</c> of the routing table, with a request that is
/// valid for the route (real ids of <see cref="DenialWorld"/>) and what an admin of another organization, a
/// <c>no-access</c> project member and a project <c>viewer</c> (writes) get. An entry that expects no denial says why.
/// A route that is added without an entry here fails <see cref="ScopeDenialMatrixTests"/>, naming the route.
/// </summary>
public sealed partial class DenialRouteTable
{
    private const string ViewerReads = "a read: the viewer column is about writes";

    private readonly List<RouteCase> _cases = [];
    private readonly DenialWorld w;

    private DenialRouteTable(DenialWorld world) => w = world;

    public static IReadOnlyList<RouteCase> Build(DenialWorld world)
    {
        var table = new DenialRouteTable(world);
        table.PublicRoutes();
        table.UserSessionRoutes();
        table.AuditLogRoutes();
        table.ProjectRoutes();
        table.OrgAdminRoutes();
        table.EnvironmentRoutes();
        table.RoleRoutes();
        table.MembershipRoutes();
        table.PrivilegeRoutes();
        table.OrganizationReadRoutes();
        table.ProjectIdentityRoutes();
        table.ServiceTokenRoutes();
        table.UserMembershipRoutes();
        table.InvitationRoutes();
        table.OrgUserMembershipRoutes();
        table.KmsRoutes();
        table.DynamicSecretRoutes();
        table.EventRoutes();
        table.TagRoutes();
        table.FolderRoutes();
        table.ImportRoutes();
        table.SecretRoutes();
        table.IdentityRoutes();
        table.UniversalAuthRoutes();
        table.TokenAuthRoutes();
        table.JwtAuthRoutes();
        table.OidcAuthRoutes();
        table.KubernetesAuthRoutes();
        table.AwsAuthRoutes();
        table.LdapAuthRoutes();
        table.ConsoleRoutes();
        return table._cases;
    }

    private void PublicRoutes()
    {
        Public("GET", "/api/status", "health check, answered to anyone");
        Public("GET", "/api/ready", "readiness check for load balancers, answered to anyone (says only ready or why not)");
        Public("POST", "/api/v1/admin/bootstrap", "instance set-up before any organization exists (refused once done)");
        Public("POST", "/api/v1/auth/universal-auth/login", "sign-in: the client id and secret are the credentials");
        Public("POST", "/api/v1/auth/jwt-auth/login", "sign-in: the JWT is the credential");
        Public("POST", "/api/v1/auth/oidc-auth/login", "sign-in: the identity provider's ID token is the credential");
        Public("POST", "/api/v1/auth/kubernetes-auth/login", "sign-in: the service account's token is the credential");
        Public("POST", "/api/v1/auth/aws-auth/login", "sign-in: the signed STS request is the credential");
        Public("POST", "/api/v1/auth/ldap-auth/login", "sign-in: the directory user's name and password are the credentials");
        Public("POST", "/api/v1/auth/token/renew", "the access token to renew is in the body");
        Public("POST", "/api/v1/auth/token/revoke", "the access token to revoke is in the body");
        Public("POST", "/api/v3/auth/login", "sign-in: the email and password are the credentials");
        Public("GET", "/api/docs/json", "the OpenAPI document is public");
        Public("GET", "/api/docs/{documentName?}", "the API reference page is public");
        Public("GET", "/api/docs/scalar.js", "an asset of the API reference page");
        Public("GET", "/api/docs/scalar.aspnetcore.js", "an asset of the API reference page");
        Public("GET", "/api/docs/favicon.svg", "an asset of the API reference page");
        Public("*", "/api/{**path}", "unknown routes answer Infisical's 404 to everyone");
    }

    /// <summary>
    /// The console's pages take no bearer token: the session cookie decides, and each page calls the same services (and
    /// permission checks) as the API. Console/ConsoleAuthorizationTests holds their denials.
    /// </summary>
    private void ConsoleRoutes()
    {
        Public("*", "{**path}", "the console's pages (their own routing, built on first use): the session cookie decides, " +
            "through the API's own services (Console tests)");
        Public("GET", "/console/console.css", "the console's stylesheet");
        Public("GET", "/console/console.js", "the console's script");
        Public("GET", "/console/blazor.web.js", "ASP.NET's enhanced-navigation script, as the console serves it");
        Public("GET", "/console/download/{projectId}/{environment}", "a console download: the session cookie decides, through the API's list");
    }

    private void UserSessionRoutes()
    {
        // Identity tokens are refused by the user-session routes whoever holds them.
        var selectOrg = Deny.Forbidden("Only a signed-in user can select an organization");
        Write("POST", "/api/v3/auth/select-organization", "/api/v3/auth/select-organization", new { organizationId = w.OrgId },
            selectOrg, selectOrg, selectOrg);
        var logout = Deny.Forbidden("You are not allowed to access this resource", "Forbidden access to /api/v1/auth/logout");
        Write("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", null, logout, logout, logout);
        const string checkAuth = "only confirms that the token is valid; it reveals no organization or project data";
        Add("POST", "/api/v1/auth/checkAuth", "/api/v1/auth/checkAuth", null, false, false,
            new NotDenied(checkAuth, Probe: true), new NotDenied(checkAuth, Probe: true), new NotDenied(checkAuth, Probe: true));
    }

    private void InvitationRoutes()
    {
        Public("POST", "/api/v1/invite-org/verify", "accepting an invitation: the one-time code from its link is the credential");
        Public("POST", "/api/v3/signup/complete-account/invite", "completing an invited account: the sign-up token is the credential");
        // Infisical serves invitations to signed-in people only: identity tokens are refused whoever holds them.
        var signup = Deny.Forbidden("You are not allowed to access this resource", "Forbidden access to /api/v1/invite-org/signup");
        Write("POST", "/api/v1/invite-org/signup", "/api/v1/invite-org/signup",
            new { inviteeEmails = new[] { "matrix@example.com" }, organizationId = w.OrgId }, signup, signup, signup);
        var resend = Deny.Forbidden("You are not allowed to access this resource", "Forbidden access to /api/v1/invite-org/signup-resend");
        Write("POST", "/api/v1/invite-org/signup-resend", "/api/v1/invite-org/signup-resend", new { membershipId = w.OrgId }, resend, resend, resend);
    }

    private void OrgUserMembershipRoutes()
    {
        const string root = "/api/v2/organizations/{organizationId}/memberships";
        var list = $"/api/v2/organizations/{w.OrgId}/memberships";
        var one = $"{list}/{w.OrgUserMembershipId}";
        Read(root, list, Deny.OrgScope(w), Deny.Permission("read", "member"), org: true);
        Read(root + "/{membershipId}", one, Deny.OrgScope(w), Deny.Permission("read", "member"), org: true);
        Write("PATCH", root + "/{membershipId}", one, new { role = "member" }, Deny.OrgScope(w), Deny.Permission("edit", "member"),
            Deny.Permission("edit", "member"), org: true);
        Write("DELETE", root + "/{membershipId}", one, null, Deny.OrgScope(w), Deny.Permission("delete", "member"),
            Deny.Permission("delete", "member"), org: true);
    }

    private void KmsRoutes()
    {
        const string root = "/api/v1/kms/keys";
        var one = $"{root}/{w.KmsKeyId}";
        // A key of another organization does not exist for the caller (decision 6: no 403 that confirms it).
        var foreign = Deny.NotFound($"Key with ID \"{w.KmsKeyId}\" not found");
        ProjectWrite("POST", root, root, new { projectId = w.ProjectId, name = "matrix-key" }, "create", "cmek");
        ProjectRead(root, $"{root}?projectId={w.ProjectId}", "read", "cmek");
        Read(root + "/{keyId}", one, foreign, Deny.Permission("read", "cmek"));
        Read(root + "/key-name/{keyName}", $"{root}/key-name/denial-key?projectId={w.ProjectId}",
            Deny.NotFound($"Key with name \"denial-key\" not found for project with ID \"{w.ProjectId}\""), Deny.Permission("read", "cmek"));
        Write("PATCH", root + "/{keyId}", one, new { description = "changed" }, foreign, Deny.Permission("edit", "cmek"), Deny.Permission("edit", "cmek"));
        Write("DELETE", root + "/{keyId}", one, null, foreign, Deny.Permission("delete", "cmek"), Deny.Permission("delete", "cmek"));
        var data = new { plaintext = "aGVsbG8=" };
        Write("POST", root + "/{keyId}/encrypt", $"{one}/encrypt", data, foreign, Deny.Permission("encrypt", "cmek"), Deny.Permission("encrypt", "cmek"));
        var blob = new { ciphertext = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHYwMQ==" };
        Write("POST", root + "/{keyId}/decrypt", $"{one}/decrypt", blob, foreign, Deny.Permission("decrypt", "cmek"), Deny.Permission("decrypt", "cmek"));
        Write("POST", root + "/{keyId}/rewrap", $"{one}/rewrap", blob, foreign, Deny.Permission("decrypt", "cmek"), Deny.Permission("decrypt", "cmek"));
        Write("POST", root + "/{keyId}/rotate", $"{one}/rotate", null, foreign, Deny.Permission("edit", "cmek"), Deny.Permission("edit", "cmek"));
        Write("PUT", root + "/{keyId}/min-decryption-version", $"{one}/min-decryption-version", new { minDecryptionVersion = 1 }, foreign,
            Deny.Permission("edit", "cmek"), Deny.Permission("edit", "cmek"));

        var signer = $"{root}/{w.KmsSigningKeyId}";
        var foreignSigner = Deny.NotFound($"Key with ID \"{w.KmsSigningKeyId}\" not found");
        var signed = new { signingAlgorithm = "ECDSA_SHA_256", data = "aGVsbG8=" };
        Write("POST", root + "/{keyId}/sign", $"{signer}/sign", signed, foreignSigner, Deny.Permission("sign", "cmek"), Deny.Permission("sign", "cmek"));
        Write("POST", root + "/{keyId}/verify", $"{signer}/verify", new { signed.signingAlgorithm, signed.data, signature = "AAAA" }, foreignSigner,
            Deny.Permission("verify", "cmek"), Deny.Permission("verify", "cmek"));
        Read(root + "/{keyId}/public-key", $"{signer}/public-key", foreignSigner, Deny.Permission("read", "cmek"));
        Read(root + "/{keyId}/signing-algorithms", $"{signer}/signing-algorithms", foreignSigner, Deny.Permission("read", "cmek"));
    }

    private void DynamicSecretRoutes()
    {
        const string root = "/api/v1/dynamic-secrets";
        var place = $"projectSlug={w.ProjectSlug}&environmentSlug=dev&path=/";
        var at = new { projectSlug = w.ProjectSlug, environmentSlug = "dev", path = "/" };
        var one = $"{root}/{DenialWorld.DynamicSecret}";
        // Addressed by slug: another organization's caller finds no project of that slug in its own organization.
        var foreign = Deny.NotFound($"Project with slug '{w.ProjectSlug}' not found");
        var lease = Deny.Permission("lease", "dynamic-secrets");
        Write("POST", root, root, new
        {
            at.projectSlug,
            at.environmentSlug,
            at.path,
            name = "matrix-dynamic",
            defaultTTL = "1h",
            provider = new { type = "sql-database", inputs = new { client = "postgres", host = "127.0.0.1", port = 5432, database = "d", username = "u", password = "p" } },
        }, foreign, Deny.Permission("create-root-credential", "dynamic-secrets"), Deny.Permission("create-root-credential", "dynamic-secrets"));
        // Not probed: the list is audited (as Infisical's), and its filtering is shown in DynamicSecretPermissionTests.
        Add("GET", root, $"{root}?{place}", null, false, false, foreign,
            Deny.Allowed("the list shows only what read-root-credential allows: no-access gets an empty list"), Deny.Allowed(ViewerReads));
        Read(root + "/{name}", $"{one}?{place}", foreign, Deny.Permission("read-root-credential", "dynamic-secrets"));
        Write("PATCH", root + "/{name}", one, new { at.projectSlug, at.environmentSlug, at.path, data = new { defaultTTL = "2h" } }, foreign,
            Deny.Permission("edit-root-credential", "dynamic-secrets"), Deny.Permission("edit-root-credential", "dynamic-secrets"));
        Write("DELETE", root + "/{name}", one, at, foreign, Deny.Permission("delete-root-credential", "dynamic-secrets"),
            Deny.Permission("delete-root-credential", "dynamic-secrets"));
        Read(root + "/{name}/leases", $"{one}/leases?{place}", foreign, lease);
        Write("POST", root + "/leases", root + "/leases", new { at.projectSlug, at.environmentSlug, at.path, dynamicSecretName = DenialWorld.DynamicSecret },
            foreign, lease, lease);
        var leaseOne = $"{root}/leases/{w.LeaseId}";
        Read(root + "/leases/{leaseId}", $"{leaseOne}?{place}", foreign, lease);
        Write("POST", root + "/leases/{leaseId}/renew", $"{leaseOne}/renew", at, foreign, lease, lease);
        Write("DELETE", root + "/leases/{leaseId}", leaseOne, at, foreign, lease, lease);
    }

    private void AuditLogRoutes()
    {
        ProjectRead("/api/v1/organization/audit-logs", $"/api/v1/organization/audit-logs?projectId={w.ProjectId}", "read", "audit-logs");
        ProjectRead("/api/v1/organization/audit-logs/export", $"/api/v1/organization/audit-logs/export?projectId={w.ProjectId}", "read", "audit-logs");
        const string retention = "/api/v1/organization/audit-logs-retention";
        var own = Deny.Allowed("the caller's own organization's setting: nothing names another organization");
        Read(retention, retention, own, Deny.Permission("read", "settings"), org: true);
        Write("PUT", retention, retention, new { auditLogsRetentionDays = 0 }, own, Deny.Permission("edit", "settings"), Deny.Permission("edit", "settings"),
            org: true);
    }

    private void Public(string method, string pattern, string reason)
    {
        var allowed = Deny.Allowed("public route: " + reason);
        Add(method, pattern, pattern, null, true, false, allowed, allowed, allowed);
    }

    /// <summary>A read: a caller it does not deny is probed (200 expected), and the viewer column does not apply.</summary>
    private void Read(string pattern, string path, Outcome otherOrg, Outcome noAccess, bool org = false) =>
        Add("GET", pattern, path, null, false, org, Probed(otherOrg), Probed(noAccess), Deny.Allowed(ViewerReads));

    private void Write(string method, string pattern, string path, object? body, Outcome otherOrg, Outcome noAccess, Outcome viewer,
        bool org = false) =>
        Add(method, pattern, path, body, false, org, otherOrg, noAccess, viewer);

    /// <summary>A project-scoped read: another organization's project, then the CASL check.</summary>
    private void ProjectRead(string pattern, string path, string action, string subject) =>
        Read(pattern, path, Deny.ForeignProject, Deny.Permission(action, subject));

    /// <summary>A project-scoped write: another organization's project, then the same CASL check for no-access and viewer.</summary>
    private void ProjectWrite(string method, string pattern, string path, object? body, string action, string subject)
    {
        var denied = Deny.Permission(action, subject);
        Write(method, pattern, path, body, Deny.ForeignProject, denied, denied);
    }

    /// <summary>A route kept only to refuse every caller, the admin included, with one clear answer.</summary>
    private void RefusedToAll(string method, string pattern, object? body, Denied refusal) =>
        _cases.Add(new RouteCase(method, pattern, pattern, body, false, true, new Dictionary<Caller, Outcome>
        {
            [Caller.OtherOrg] = refusal,
            [Caller.NoAccess] = refusal,
            [Caller.Viewer] = refusal,
        }, refusal));

    private static Outcome Probed(Outcome outcome) => outcome is NotDenied n ? n with { Probe = true } : outcome;

    private void Add(string method, string pattern, string path, object? body, bool isPublic, bool org, Outcome otherOrg, Outcome noAccess,
        Outcome viewer) =>
        _cases.Add(new RouteCase(method, pattern, path, body, isPublic, org, new Dictionary<Caller, Outcome>
        {
            [Caller.OtherOrg] = otherOrg,
            [Caller.NoAccess] = noAccess,
            [Caller.Viewer] = viewer,
        }));
}
