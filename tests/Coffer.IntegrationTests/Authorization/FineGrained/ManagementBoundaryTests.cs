using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// Issue 28's suite: callers with org <c>member</c> and <c>admin</c>, project <c>member</c> and <c>admin</c>, and custom
/// project roles holding <c>role</c> or <c>identity</c> rights try every write to identities, auth methods, memberships,
/// privileges and roles against the instance admin identity, an org admin, a project admin, a peer and themselves.
/// The expectation comes from a small model of who holds what (<see cref="Holding"/>): allowed exactly when the caller
/// has the permission for the action and holds everything the target holds. A refusal is a 403 envelope with the
/// database unchanged; an allowed call is checked for what it changed. Runs on SQLite and PostgreSQL.
/// </summary>
public sealed class ManagementBoundaryTests(Auth.InternalConnectionsServer fx, Auth.TestLdap ldap, ITestOutputHelper output)
    : IClassFixture<Auth.InternalConnectionsServer>, IClassFixture<Auth.TestLdap>
{
    private static readonly string JwtKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)
        .ExportSubjectPublicKeyInfoPem();

    // Attached without fetching anything: the discovery document is read at login.
    private const string OidcIssuer = "https://127.0.0.1:9/oidc";

    private static readonly string[] Stateful = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    /// <summary>An identity's organization role and its role in the suite's project (null: not a member).</summary>
    private sealed record Holding(string OrgRole, string? ProjectRole);

    private sealed class Party(string name, Holding holding)
    {
        public string Name { get; } = name;
        public Holding Holding { get; } = holding;
        public string Id { get; set; } = "";
        public string Token { get; set; } = "";
        public bool IsInstanceAdmin { get; init; }
    }

    private static readonly object[] RoleEditorRules =
    [
        new { subject = "role", action = new[] { "read", "create", "edit", "delete" } },
        new { subject = "secrets", action = new[] { "describeSecret" }, conditions = new { environment = "dev" } },
    ];

    private static readonly object[] IdentityEditorRules = [new { subject = "identity", action = new[] { "read", "create", "edit", "delete" } }];

    /// <summary>A custom organization role: every identity action including minting credentials, and nothing else.</summary>
    private const string CustomOrgRole = "identity-operator";

    // Which identity actions each organization role allows.
    private static bool OrgCan(string orgRole, string action) => orgRole switch
    {
        "admin" => true,
        "member" => action is "read" or "create" or "edit" or "delete",
        CustomOrgRole => action is "read" or "create" or "edit" or "delete" or "create-token",
        _ => false,
    };

    private static bool ProjectCan(string? role, string action, string subject) => (role, subject) switch
    {
        (null, _) => false,
        ("admin", _) => true,
        ("member", "identity") => action is "read" or "create" or "edit" or "delete",
        ("identity-editor", "identity") => action is "read" or "create" or "edit" or "delete",
        ("role-editor", "role") => true,
        _ => false,
    };

    private static bool OrgCovers(Holding a, Holding t) => a.OrgRole == "admin" || (a.OrgRole == "member" && t.OrgRole is "member" or "no-access");

    private static bool ProjectCovers(Holding a, Holding t) =>
        t.ProjectRole is null || a.ProjectRole == "admin" || (a.ProjectRole == "member" && t.ProjectRole is "member" or "viewer" or "no-access");

    [Fact]
    public async Task Every_management_write_is_allowed_exactly_when_the_caller_holds_what_the_target_holds()
    {
        var actors = new List<Party>
        {
            new("org member", new("member", null)),
            new("org admin", new("admin", null)),
            new("project member", new("member", "member")),
            new("project admin", new("member", "admin")),
            new("role editor", new("member", "role-editor")),
            new("identity editor", new("member", "identity-editor")),
            new("custom org role", new(CustomOrgRole, null)),
        };
        var instanceAdmin = new Party("instance admin", new("admin", null))
        {
            Id = fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>(),
            IsInstanceAdmin = true,
        };
        var targets = new List<Party>
        {
            instanceAdmin,
            new("an org admin", new("admin", "admin")),
            new("a project admin", new("member", "admin")),
            new("a peer", new("member", "member")),
        };
        await CreateCustomOrgRoleAsync();
        foreach (var party in actors.Concat(targets.Skip(1)))
        {
            (party.Id, party.Token) = await fx.Given.IdentityWithTokenAsync(party.Holding.OrgRole);
        }
        await fx.Given.UniversalAuthAsync(instanceAdmin.Id);

        var (denied, allowed, projects) = (0, 0, 0);
        var failures = new List<string>();
        string? project = null;
        Dictionary<string, string> privileges = [];
        string editorRoleId = "";

        async Task<string> ProjectAsync()
        {
            if (project is not null) return project;
            projects++;
            var p = await fx.Given.ProjectAsync();
            editorRoleId = await fx.Given.RoleAsync(p, "identity-editor", IdentityEditorRules);
            await fx.Given.RoleAsync(p, "role-editor", RoleEditorRules);
            privileges = [];
            foreach (var party in actors.Concat(targets).Where(x => x.Holding.ProjectRole is not null))
            {
                await fx.Given.MemberAsync(p, party.Id, party.Holding.ProjectRole!);
                privileges[party.Id] = await fx.Given.PrivilegeAsync(p, party.Id);
            }
            return project = p;
        }

        async Task CellAsync(Party actor, string what, bool expected, bool changesProject, Func<Task<ApiResponse>> send, Func<Task> verify)
        {
            var before = expected ? "" : await DbSnapshot.TakeAsync(fx.Server, Stateful);
            var r = await send();
            try
            {
                if (expected)
                {
                    Assert.True(r.Code == 200, $"expected 200 but got {r}");
                    await verify();
                    allowed++;
                }
                else
                {
                    Assert.True(r.Code == 403, $"expected 403 but got {r}");
                    Assert.Contains(r.Json["error"]!.GetValue<string>(), new[] { "PermissionDenied", "PermissionBoundaryError", "ProjectMembershipNotFound" });
                    Assert.Equal(r.Json["reqId"]!.GetValue<string>(), r.Header("X-Request-Id"));
                    var after = await DbSnapshot.TakeAsync(fx.Server, Stateful);
                    Assert.True(before == after, "refused, but the database changed:\n" + DbSnapshot.Diff(before, after));
                    denied++;
                }
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or InvalidOperationException or NullReferenceException)
            {
                failures.Add($"{actor.Name} × {what}: {ex.Message}");
            }
            if (expected && changesProject) project = null;
        }

        foreach (var actor in actors)
        {
            foreach (var target in targets.Append(actor))
            {
                var self = target == actor;
                var label = self ? "itself" : target.Name;
                await ProjectAsync();
                var covers = self || (!target.IsInstanceAdmin && OrgCovers(actor.Holding, target.Holding)
                    && (actor.Holding.OrgRole == "admin" || ProjectCovers(actor.Holding, target.Holding)));
                var ua = $"/api/v1/auth/universal-auth/identities/{target.Id}";

                var name = $"renamed-{Guid.NewGuid():N}"[..20];
                await CellAsync(actor, $"rename {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync($"/api/v1/identities/{target.Id}", new { name }, actor.Token),
                    async () => Assert.Equal(name, (await fx.Api.GetAsync($"/api/v1/identities/{target.Id}", fx.AdminToken)).Json["identity"]!["identity"]!["name"]!
                        .GetValue<string>()));
                var ttl = Random.Shared.Next(600, 6000);
                await CellAsync(actor, $"set universal-auth TTL of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(ua, new { accessTokenTTL = ttl }, actor.Token),
                    async () => Assert.Equal(ttl, (await fx.Api.GetAsync(ua, fx.AdminToken)).Json["identityUniversalAuth"]!["accessTokenTTL"]!.GetValue<int>()));
                await CellAsync(actor, $"clear lockouts of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PostAsync($"{ua}/clear-lockouts", new { }, actor.Token), () => Task.CompletedTask);
                await CellAsync(actor, $"mint a client secret for {label}", OrgCan(actor.Holding.OrgRole, "create-token") && covers, false,
                    () => fx.Api.PostAsync($"{ua}/client-secrets", new { }, actor.Token), () => Task.CompletedTask);

                // The other login methods' configurations are the same boundary (issue 19): changed only by whom may change the identity.
                var aws = $"/api/v1/auth/aws-auth/identities/{target.Id}";
                if ((await fx.Api.GetAsync(aws, fx.AdminToken)).Code != 200)
                    Expect.Ok(await fx.Api.PostAsync(aws, new { allowedAccountIds = "123456789012" }, fx.AdminToken));
                var accounts = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await CellAsync(actor, $"set AWS auth accounts of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(aws, new { allowedAccountIds = accounts }, actor.Token),
                    async () => Assert.Equal(accounts, (await fx.Api.GetAsync(aws, fx.AdminToken)).Json["identityAwsAuth"]!["allowedAccountIds"]!.GetValue<string>()));
                var jwt = $"/api/v1/auth/jwt-auth/identities/{target.Id}";
                if ((await fx.Api.GetAsync(jwt, fx.AdminToken)).Code != 200)
                    Expect.Ok(await fx.Api.PostAsync(jwt, new { configurationType = "static", publicKeys = new[] { JwtKey }, boundClaims = new { } }, fx.AdminToken));
                var subject = $"repo:{Guid.NewGuid():N}";
                await CellAsync(actor, $"set JWT auth subject of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(jwt, new { configurationType = "static", publicKeys = new[] { JwtKey }, boundSubject = subject }, actor.Token),
                    async () => Assert.Equal(subject, (await fx.Api.GetAsync(jwt, fx.AdminToken)).Json["identityJwtAuth"]!["boundSubject"]!.GetValue<string>()));
                var oidc = $"/api/v1/auth/oidc-auth/identities/{target.Id}";
                if ((await fx.Api.GetAsync(oidc, fx.AdminToken)).Code != 200)
                    Expect.Ok(await fx.Api.PostAsync(oidc, new { oidcDiscoveryUrl = OidcIssuer, boundIssuer = OidcIssuer, boundClaims = new { } }, fx.AdminToken));
                await CellAsync(actor, $"set OIDC auth subject of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(oidc, new { boundSubject = subject }, actor.Token),
                    async () => Assert.Equal(subject, (await fx.Api.GetAsync(oidc, fx.AdminToken)).Json["identityOidcAuth"]!["boundSubject"]!.GetValue<string>()));
                var kubernetes = $"/api/v1/auth/kubernetes-auth/identities/{target.Id}";
                if ((await fx.Api.GetAsync(kubernetes, fx.AdminToken)).Code != 200)
                    Expect.Ok(await fx.Api.PostAsync(kubernetes, new { kubernetesHost = "https://127.0.0.1:9" }, fx.AdminToken));
                var ns = $"ns-{Guid.NewGuid():N}"[..16];
                await CellAsync(actor, $"set Kubernetes auth namespaces of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(kubernetes, new { allowedNamespaces = ns }, actor.Token),
                    async () => Assert.Equal(ns, (await fx.Api.GetAsync(kubernetes, fx.AdminToken)).Json["identityKubernetesAuth"]!["allowedNamespaces"]!.GetValue<string>()));
                var ldapAuth = $"/api/v1/auth/ldap-auth/identities/{target.Id}";
                if ((await fx.Api.GetAsync(ldapAuth, fx.AdminToken)).Code != 200)
                    Expect.Ok(await fx.Api.PostAsync(ldapAuth, new
                    {
                        url = ldap.Url,
                        bindDN = Auth.TestLdap.ReaderDn,
                        bindPass = Auth.TestLdap.Password,
                        searchBase = Auth.TestLdap.SearchBase,
                    }, fx.AdminToken));
                var filter = $"(|(uid={{{{username}}}})(cn={Guid.NewGuid():N}))";
                await CellAsync(actor, $"set LDAP auth filter of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PatchAsync(ldapAuth, new { searchFilter = filter }, actor.Token),
                    async () => Assert.Equal(filter, (await fx.Api.GetAsync(ldapAuth, fx.AdminToken)).Json["identityLdapAuth"]!["searchFilter"]!.GetValue<string>()));
                await CellAsync(actor, $"clear LDAP auth lockouts of {label}", OrgCan(actor.Holding.OrgRole, "edit") && covers, false,
                    () => fx.Api.PostAsync($"{ldapAuth}/clear-lockouts", new { }, actor.Token), () => Task.CompletedTask);

                // Read, remove and attach each proof-based method: reading needs read; removing needs edit and revoke-auth
                // on an identity the caller covers; attaching needs create on one it covers.
                foreach (var (method, attach) in ProofMethods(ldap.Url))
                {
                    var path = $"/api/v1/auth/{method}/identities/{target.Id}";
                    await CellAsync(actor, $"read {method} of {label}", OrgCan(actor.Holding.OrgRole, "read"), false,
                        () => fx.Api.GetAsync(path, actor.Token), () => Task.CompletedTask);
                    await CellAsync(actor, $"remove {method} of {label}",
                        OrgCan(actor.Holding.OrgRole, "edit") && OrgCan(actor.Holding.OrgRole, "revoke-auth") && covers, false,
                        () => fx.Api.DeleteAsync(path, actor.Token),
                        async () => Assert.Equal(400, (await fx.Api.GetAsync(path, fx.AdminToken)).Code));
                    if ((await fx.Api.GetAsync(path, fx.AdminToken)).Code == 200) Expect.Ok(await fx.Api.DeleteAsync(path, fx.AdminToken));
                    await CellAsync(actor, $"attach {method} to {label}", OrgCan(actor.Holding.OrgRole, "create") && covers, false,
                        () => fx.Api.PostAsync(path, attach, actor.Token),
                        async () => Expect.Ok(await fx.Api.GetAsync(path, fx.AdminToken)));
                    if ((await fx.Api.GetAsync(path, fx.AdminToken)).Code != 200) Expect.Ok(await fx.Api.PostAsync(path, attach, fx.AdminToken));
                }

                if (target.Holding.ProjectRole is null) continue;
                // Project-level: the caller needs the project permission and everything the target holds in the project.
                var inProject = ProjectCovers(actor.Holding, target.Holding) || self;
                var p = await ProjectAsync();
                await CellAsync(actor, $"demote {label} to no-access", ProjectCan(actor.Holding.ProjectRole, "edit", "identity") && inProject, true,
                    () => fx.Api.PatchAsync($"/api/v1/projects/{p}/identity-memberships/{target.Id}", new { roles = new[] { new { role = "no-access" } } }, actor.Token),
                    async () => Assert.Equal("no-access", (await fx.Api.GetAsync($"/api/v1/projects/{p}/identity-memberships/{target.Id}", fx.AdminToken))
                        .Json["identityMembership"]!["roles"]![0]!["role"]!.GetValue<string>()));
                p = await ProjectAsync();
                var privilege = privileges[target.Id];
                await CellAsync(actor, $"strip {label}'s privilege", ProjectCan(actor.Holding.ProjectRole, "edit", "identity") && inProject, true,
                    () => fx.Api.DeleteAsync($"/api/v2/identity-project-additional-privilege/{privilege}", actor.Token),
                    async () => Assert.Equal(404, (await fx.Api.GetAsync($"/api/v2/identity-project-additional-privilege/{privilege}", fx.AdminToken)).Code));
                // Terraform's only privilege delete is the V1 form, by slug: the same boundary.
                p = await ProjectAsync();
                var v1 = (await fx.Api.GetAsync($"/api/v2/identity-project-additional-privilege/{privileges[target.Id]}", fx.AdminToken)).Json["privilege"]!;
                var projectSlug = (await fx.Api.GetAsync($"/api/v1/projects/{p}", fx.AdminToken)).Json["project"]!["slug"]!.GetValue<string>();
                var privilegeSlug = v1["slug"]!.GetValue<string>();
                var v1Id = privileges[target.Id];
                await CellAsync(actor, $"strip {label}'s privilege (V1)", ProjectCan(actor.Holding.ProjectRole, "edit", "identity") && inProject, true,
                    () => fx.Api.DeleteAsync("/api/v1/additional-privilege/identity", actor.Token,
                        new { privilegeSlug, identityId = target.Id, projectSlug }),
                    async () => Assert.Equal(404, (await fx.Api.GetAsync($"/api/v2/identity-project-additional-privilege/{v1Id}", fx.AdminToken)).Code));
                if (self) continue; // deleting one's own membership is a 400 of its own
                p = await ProjectAsync();
                await CellAsync(actor, $"remove {label} from the project", ProjectCan(actor.Holding.ProjectRole, "delete", "identity") && inProject, true,
                    () => fx.Api.DeleteAsync($"/api/v1/projects/{p}/identity-memberships/{target.Id}", actor.Token),
                    async () => Assert.Equal(404, (await fx.Api.GetAsync($"/api/v1/projects/{p}/identity-memberships/{target.Id}", fx.AdminToken)).Code));
            }

            // Roles: widening the identity editors' role to every secret action is within a project admin's rights only.
            var q = await ProjectAsync();
            object[] widened = [.. IdentityEditorRules, new { subject = "secrets", action = new[] { "describeSecret", "readValue", "edit" } }];
            await CellAsync(actor, "widen a role held by others", ProjectCan(actor.Holding.ProjectRole, "edit", "role") && actor.Holding.ProjectRole == "admin", true,
                () => fx.Api.PatchAsync($"/api/v1/projects/{q}/roles/{editorRoleId}", new { permissions = widened }, actor.Token),
                () => Task.CompletedTask);
            q = await ProjectAsync();
            await CellAsync(actor, "create a role with rights it lacks", ProjectCan(actor.Holding.ProjectRole, "create", "role") && actor.Holding.ProjectRole == "admin",
                true, () => fx.Api.PostAsync($"/api/v1/projects/{q}/roles", new { slug = "wide", name = "wide", permissions = widened }, actor.Token),
                () => Task.CompletedTask);
            // The deprecated V1 form is backfilled into secrets, imports, folders and dynamic secrets before the boundary.
            q = await ProjectAsync();
            var slug = (await fx.Api.GetAsync($"/api/v1/projects/{q}", fx.AdminToken)).Json["project"]!["slug"]!.GetValue<string>();
            await CellAsync(actor, "create a V1 role with rights it lacks", ProjectCan(actor.Holding.ProjectRole, "create", "role") && actor.Holding.ProjectRole == "admin",
                true, () => fx.Api.PostAsync($"/api/v1/workspace/{slug}/roles",
                    new { slug = "wide-v1", name = "wide", permissions = new[] { new { subject = "secrets", action = "edit" } } }, actor.Token),
                () => Task.CompletedTask);
        }

        var summary = $"{actors.Count} callers (org member, org admin, a custom org role, project member, project admin, role editor, identity editor) × " +
            "{instance admin, org admin, project admin, peer, itself} × identity, auth-method, membership, privilege and role writes = " +
            $"{denied + allowed} cells: {denied} refused with the database unchanged, {allowed} allowed and checked; {projects} projects seeded";
        output.WriteLine(summary);
        Assert.True(failures.Count == 0, $"{failures.Count} cell(s) differ:\n{string.Join("\n", failures)}");
        TestReport.Write("authorization (privilege boundary, management routes)", summary);
    }

    /// <summary>The methods whose login is a proof checked elsewhere, each with a configuration that attaches without reaching anything but the test's slapd.</summary>
    private static (string Method, object Attach)[] ProofMethods(string ldapUrl) =>
    [
        ("jwt-auth", new { configurationType = "static", publicKeys = new[] { JwtKey }, boundClaims = new { } }),
        ("oidc-auth", new { oidcDiscoveryUrl = OidcIssuer, boundIssuer = OidcIssuer, boundClaims = new { } }),
        ("kubernetes-auth", new { kubernetesHost = "https://127.0.0.1:9" }),
        ("aws-auth", new { allowedAccountIds = "123456789012" }),
        ("ldap-auth", new { url = ldapUrl, bindDN = Auth.TestLdap.ReaderDn, bindPass = Auth.TestLdap.Password, searchBase = Auth.TestLdap.SearchBase }),
    ];

    private Task<int> CreateCustomOrgRoleAsync() =>
        CustomOrgRoles.CreateAsync(fx, CustomOrgRole,
            new Coffer.Server.Permissions.PermissionRule("identity", ["read", "create", "edit", "delete", "create-token"]));
}
