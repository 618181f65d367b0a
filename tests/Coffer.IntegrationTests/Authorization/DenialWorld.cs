using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// One organization with a project holding one of everything a route can name (environment, folder, secret, tag,
/// import, custom role, member identity with a privilege, universal auth and a token-auth token), plus the three
/// callers the scope matrix sends: an admin of another organization, an identity that is a <c>no-access</c> member
/// of the project (organization <c>member</c>), one whose organization role is <c>no-access</c>, and a project
/// <c>viewer</c> (organization <c>member</c>).
/// Every id is real, so a request gets past validation and lookups to the check under test.
/// </summary>
public sealed record DenialWorld(
    string OrgId,
    string AdminToken,
    string ProjectId,
    string ProjectSlug,
    string EnvironmentId,
    string FolderId,
    string SecretName,
    string SecretId,
    string TagId,
    string TagSlug,
    string ImportId,
    string RoleId,
    string RoleSlug,
    string MemberId,
    string MembershipId,
    string PrivilegeId,
    string PrivilegeSlug,
    string ClientSecretId,
    string TokenId,
    string CandidateId,
    string BareIdentityId,
    string ProjectIdentityId,
    string UserId,
    string UserMembershipId,
    string OrgUserMembershipId,
    string KmsKeyId,
    string KmsSigningKeyId,
    string? LeaseId,
    string OtherOrgId,
    string OtherOrgToken,
    string NoAccessToken,
    string OrgNoAccessToken,
    string ViewerToken)
{
    public const string Folder = "denial-folder";
    public const string Tag = "denial-tag";
    public const string Role = "denial-role";
    public const string Privilege = "denial-extra";
    public const string Secret = "DENIAL_SECRET";
    public const string DynamicSecret = "denial-dynamic";
    public const string OidcDiscoveryUrl = "https://127.0.0.1:9/oidc";
    public const string KubernetesHost = "https://127.0.0.1:9";

    /// <summary>An EC public key (SPKI PEM) the JWT auth routes are configured with.</summary>
    public static readonly string JwtPublicKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)
        .ExportSubjectPublicKeyInfoPem();

    /// <param name="leaseDatabasePort">
    /// A PostgreSQL server (password <see cref="DynamicSecrets.TargetPostgres.RootPassword"/>) to make a dynamic secret
    /// <see cref="DynamicSecret"/> and a lease in, on a server allowed internal connections (which also gets the member an
    /// OIDC auth configuration); without it the world has neither.
    /// </param>
    /// <param name="ldapUrl">An LDAP server (<see cref="Auth.TestLdap"/>) to attach the member's LDAP auth to; without it the member has none.</param>
    public static async Task<DenialWorld> SeedAsync(ServerFixture fx, int? leaseDatabasePort = null, string? ldapUrl = null)
    {
        var given = fx.Given;
        var api = fx.Api;
        var admin = fx.AdminToken;
        var project = await given.TestProjectAsync("denial-target");
        var p = project.Id;

        var folder = await api.PostAsync("/api/v2/folders", new { projectId = p, environment = "dev", name = Folder, path = "/" }, admin);
        Expect.Ok(folder);
        var secret = await api.PostAsync($"/api/v4/secrets/{Secret}", new { projectId = p, environment = "dev", secretValue = "v1" }, admin);
        Expect.Ok(secret);
        var tag = await api.PostAsync($"/api/v1/projects/{p}/tags", new { slug = Tag, color = "#ff0000" }, admin);
        Expect.Ok(tag);
        var import = await api.PostAsync("/api/v2/secret-imports",
            new { projectId = p, environment = "dev", path = "/", import = new { environment = "staging", path = "/" } }, admin);
        Expect.Ok(import);
        var roleId = await given.RoleAsync(p, Role, [new { subject = "secrets", action = new[] { "describeSecret" } }]);

        // The identity the membership, privilege and auth-method routes are about.
        var memberId = await given.IdentityAsync("member");
        await given.MemberAsync(p, memberId, "member");
        var privilege = await api.PostAsync("/api/v2/identity-project-additional-privilege", new
        {
            identityId = memberId,
            projectId = p,
            slug = Privilege,
            permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" } } },
            type = new { isTemporary = false },
        }, admin);
        Expect.Ok(privilege);
        await given.UniversalAuthAsync(memberId);
        await given.TokenAuthTokenAsync(memberId);
        var membership = await api.GetAsync($"/api/v1/projects/{p}/identity-memberships/{memberId}", admin);
        Expect.Ok(membership);
        var clientSecrets = await api.GetAsync($"/api/v1/auth/universal-auth/identities/{memberId}/client-secrets", admin);
        Expect.Ok(clientSecrets);
        var tokens = await api.GetAsync($"/api/v1/auth/token-auth/identities/{memberId}/tokens", admin);
        Expect.Ok(tokens);

        // An organization identity that is in no project yet (membership creation) and one with no auth method (attach).
        var candidateId = await given.IdentityAsync("member");
        var bareId = await given.IdentityAsync("member");
        // An identity the project owns (project-scoped identity routes).
        var projectIdentity = await api.PostAsync($"/api/v1/projects/{p}/identities", new { name = "denial-project-identity" }, admin);
        var kmsKey = await api.PostAsync("/api/v1/kms/keys", new { projectId = p, name = "denial-key" }, admin);
        Expect.Ok(kmsKey);
        var kmsSigningKey = await api.PostAsync("/api/v1/kms/keys",
            new { projectId = p, name = "denial-signer", keyUsage = "sign-verify", encryptionAlgorithm = "ECC_NIST_P256" }, admin);
        Expect.Ok(kmsSigningKey);
        Expect.Ok(await api.PostAsync($"/api/v1/auth/jwt-auth/identities/{memberId}",
            new { configurationType = "static", publicKeys = new[] { JwtPublicKey }, boundClaims = new { } }, admin));
        if (ldapUrl is not null)
            Expect.Ok(await api.PostAsync($"/api/v1/auth/ldap-auth/identities/{memberId}", new
            {
                url = ldapUrl,
                bindDN = Auth.TestLdap.ReaderDn,
                bindPass = Auth.TestLdap.Password,
                searchBase = Auth.TestLdap.SearchBase,
            }, admin));
        string? leaseId = null;
        if (leaseDatabasePort is { } port)
        {
            // OIDC is attached without fetching anything; the loopback address needs a server that may reach its own network.
            Expect.Ok(await api.PostAsync($"/api/v1/auth/oidc-auth/identities/{memberId}",
                new { oidcDiscoveryUrl = OidcDiscoveryUrl, boundIssuer = OidcDiscoveryUrl, boundClaims = new { } }, admin));
            Expect.Ok(await api.PostAsync($"/api/v1/auth/kubernetes-auth/identities/{memberId}", new { kubernetesHost = KubernetesHost }, admin));
            Expect.Ok(await api.PostAsync($"/api/v1/auth/aws-auth/identities/{memberId}", new { allowedAccountIds = "123456789012" }, admin));
            Expect.Ok(await api.PostAsync("/api/v1/dynamic-secrets", new
            {
                projectSlug = project.Slug,
                environmentSlug = "dev",
                path = "/",
                name = DynamicSecret,
                defaultTTL = "1h",
                provider = new
                {
                    type = "sql-database",
                    inputs = new
                    {
                        client = "postgres",
                        host = "127.0.0.1",
                        port,
                        database = "postgres",
                        username = "postgres",
                        password = DynamicSecrets.TargetPostgres.RootPassword,
                    },
                },
            }, admin));
            var lease = await api.PostAsync("/api/v1/dynamic-secrets/leases",
                new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = DynamicSecret }, admin);
            Expect.Ok(lease);
            leaseId = lease.Json["lease"]!["id"]!.GetValue<string>();
        }
        Expect.Ok(projectIdentity);
        // The bootstrap admin user, a viewer of the project (user membership routes).
        var userMembership = await api.PostAsync($"/api/v2/workspace/{p}/memberships",
            new { usernames = new[] { Given.AdminEmail }, roleSlugs = new[] { "viewer" } }, admin);
        Expect.Ok(userMembership);

        var (otherOrgId, _, otherOrgToken) = await OtherOrg.CreateAsync(fx.Server);
        var (noAccessId, noAccessToken) = await given.IdentityWithTokenAsync("member");
        await given.MemberAsync(p, noAccessId, "no-access");
        var (_, orgNoAccessToken) = await given.IdentityWithTokenAsync("no-access");
        var (viewerId, viewerToken) = await given.IdentityWithTokenAsync("member");
        await given.MemberAsync(p, viewerId, "viewer");

        var userId = userMembership.Json["memberships"]![0]!["userId"]!.GetValue<string>();
        var orgUserMembershipId = await OrgUsers.MembershipIdAsync(fx, userId, admin);

        return new DenialWorld(
            OrgId: fx.OrgId,
            AdminToken: admin,
            ProjectId: p,
            ProjectSlug: project.Slug,
            EnvironmentId: project.EnvironmentIds["prod"],
            FolderId: folder.Json["folder"]!["id"]!.GetValue<string>(),
            SecretName: Secret,
            SecretId: secret.Json["secret"]!["id"]!.GetValue<string>(),
            TagId: tag.Json["tag"]!["id"]!.GetValue<string>(),
            TagSlug: Tag,
            ImportId: import.Json["secretImport"]!["id"]!.GetValue<string>(),
            RoleId: roleId,
            RoleSlug: Role,
            MemberId: memberId,
            MembershipId: membership.Json["identityMembership"]!["id"]!.GetValue<string>(),
            PrivilegeId: privilege.Json["privilege"]!["id"]!.GetValue<string>(),
            PrivilegeSlug: Privilege,
            ClientSecretId: clientSecrets.Json["clientSecretData"]!.AsArray().Single()!["id"]!.GetValue<string>(),
            TokenId: tokens.Json["tokens"]!.AsArray().Single()!["id"]!.GetValue<string>(),
            CandidateId: candidateId,
            BareIdentityId: bareId,
            ProjectIdentityId: projectIdentity.Json["identity"]!["id"]!.GetValue<string>(),
            UserId: userId,
            UserMembershipId: userMembership.Json["memberships"]![0]!["id"]!.GetValue<string>(),
            OrgUserMembershipId: orgUserMembershipId,
            KmsKeyId: kmsKey.Json["key"]!["id"]!.GetValue<string>(),
            KmsSigningKeyId: kmsSigningKey.Json["key"]!["id"]!.GetValue<string>(),
            LeaseId: leaseId,
            OtherOrgId: otherOrgId,
            OtherOrgToken: otherOrgToken,
            NoAccessToken: noAccessToken,
            OrgNoAccessToken: orgNoAccessToken,
            ViewerToken: viewerToken);
    }
}
