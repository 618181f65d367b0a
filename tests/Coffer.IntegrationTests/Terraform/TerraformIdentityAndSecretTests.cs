using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Terraform;

/// <summary>
/// The provider's identity, auth-method, secret and secret-import resources, replayed as its client marshals them
/// (internal/client/model.go): Go's zero values where a field is not omitempty (<c>""</c> certificates and audiences,
/// <c>0</c> TTLs and use limits, empty maps and lists), the address again in the body of a DELETE, and every field its
/// Read takes back from the answers.
/// </summary>
public sealed class TerraformIdentityAndSecretTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private readonly TerraformCalls _terraform = new(fx);

    private Task<ApiResponse> TfAsync(HttpMethod method, string path, object? body = null) => _terraform.SendAsync(method, path, body);

    private static Task<JsonObject> OkAsync(Task<ApiResponse> call) => TerraformCalls.OkAsync(call);

    private async Task<string> IdentityAsync(string name) =>
        (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/identities",
            new { name, hasDeleteProtection = false, organizationId = fx.OrgId, role = "member" })))["identity"]!["id"]!.GetValue<string>();

    [Fact]
    public async Task Infisical_identity_create_read_update_delete()
    {
        var created = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/identities",
            new { name = "tf-identity", hasDeleteProtection = false, organizationId = fx.OrgId, role = "member" })))["identity"]!;
        var id = created["id"]!.GetValue<string>();
        Assert.False(created["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Empty(created["authMethods"]!.AsArray());

        // Update sends metadata as [] when none is set (never null), and reads hasDeleteProtection back.
        var updated = (await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/identities/{id}", new
        {
            identityId = id,
            name = "tf-identity-2",
            hasDeleteProtection = true,
            role = "member",
            metadata = new[] { new { key = "team", value = "platform" } },
        })))["identity"]!;
        Assert.True(updated["hasDeleteProtection"]!.GetValue<bool>());

        var read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/identities/{id}")))["identity"]!;
        Assert.Equal("member", read["role"]!.GetValue<string>());
        Assert.Equal("tf-identity-2", read["identity"]!["name"]!.GetValue<string>());
        Assert.True(read["identity"]!["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Equal("platform", Assert.Single(read["metadata"]!.AsArray())!["value"]!.GetValue<string>());

        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/identities/{id}",
            new { identityId = id, name = "tf-identity-2", hasDeleteProtection = false, role = "member", metadata = Array.Empty<object>() }));
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/identities/{id}", new { identityId = id }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/identities/{id}")).Code);
    }

    [Fact]
    public async Task Universal_auth_and_a_client_secret_with_the_providers_zero_values()
    {
        var id = await IdentityAsync("tf-ua");
        var ua = (await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/universal-auth/identities/{id}",
            new { accessTokenTTL = 2592000, accessTokenMaxTTL = 2592000, identityId = id })))["identityUniversalAuth"]!;
        var clientId = ua["clientId"]!.GetValue<string>();
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/universal-auth/identities/{id}", new
        {
            clientSecretTrustedIps = new[] { new { ipAddress = "0.0.0.0/0" }, new { ipAddress = "::/0" } },
            accessTokenTTL = 3600,
            accessTokenMaxTTL = 7200,
            identityId = id,
        }));
        var read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/universal-auth/identities/{id}")))["identityUniversalAuth"]!;
        Assert.Equal([3600, 7200], new[] { "accessTokenTTL", "accessTokenMaxTTL" }.Select(k => read[k]!.GetValue<int>()));

        // infisical_identity_universal_auth_client_secret: description "", no use limit, no TTL (all zero values).
        var secret = await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/universal-auth/identities/{id}/client-secrets",
            new { identityId = id, description = "", numUsesLimit = 0, ttl = 0 }));
        var secretId = secret["clientSecretData"]!["id"]!.GetValue<string>();
        Assert.Equal(0, secret["clientSecretData"]!["clientSecretTTL"]!.GetValue<int>());
        var login = await fx.Api.PostAsync("/api/v1/auth/universal-auth/login",
            new { clientId, clientSecret = secret["clientSecret"]!.GetValue<string>() });
        Expect.Ok(login);
        var readSecret = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/universal-auth/identities/{id}/client-secrets/{secretId}")))["clientSecretData"]!;
        Assert.False(readSecret["isClientSecretRevoked"]!.GetValue<bool>());
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/universal-auth/identities/{id}/client-secrets/{secretId}/revoke",
            new { identityId = id, clientSecretId = secretId }));

        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/universal-auth/identities/{id}", new { identityId = id }));
        // As Infisical: a 400, not a 404, once the method is gone.
        Expect.Error(await TfAsync(HttpMethod.Get, $"/api/v1/auth/universal-auth/identities/{id}"), 400, "BadRequest",
            "The identity does not have universal auth");
    }

    [Fact]
    public async Task Kubernetes_and_oidc_auth_take_empty_strings_and_empty_maps_for_what_is_not_set()
    {
        var k8s = await IdentityAsync("tf-k8s");
        var body = new
        {
            identityId = k8s,
            kubernetesHost = "https://203.0.113.10:6443",
            caCert = "",
            tokenReviewerJwt = "",
            allowedNamespaces = "",
            allowedNames = "",
            allowedAudience = "",
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
        };
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/kubernetes-auth/identities/{k8s}", body));
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/kubernetes-auth/identities/{k8s}", body with { allowedNamespaces = "apps,jobs" }));
        var k8sRead = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/kubernetes-auth/identities/{k8s}")))["identityKubernetesAuth"]!;
        Assert.Equal("apps,jobs", k8sRead["allowedNamespaces"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/kubernetes-auth/identities/{k8s}", new { identityId = k8s }));

        var oidc = await IdentityAsync("tf-oidc");
        var oidcBody = new
        {
            identityId = oidc,
            oidcDiscoveryUrl = "https://203.0.113.11",
            caCert = "",
            boundIssuer = "https://accounts.example.com",
            boundAudiences = "",
            boundClaims = new Dictionary<string, string>(),
            claimMetadataMapping = new Dictionary<string, string>(),
            boundSubject = "",
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
        };
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/oidc-auth/identities/{oidc}", oidcBody));
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/oidc-auth/identities/{oidc}",
            oidcBody with { boundAudiences = "a,b", boundClaims = new Dictionary<string, string> { ["team"] = "platform" } }));
        var oidcRead = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/oidc-auth/identities/{oidc}")))["identityOidcAuth"]!;
        Assert.Equal("a, b", oidcRead["boundAudiences"]!.GetValue<string>()); // Infisical joins the list with ", "
        Assert.Equal("platform", oidcRead["boundClaims"]!["team"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/oidc-auth/identities/{oidc}", new { identityId = oidc }));
    }

    [Fact]
    public async Task Infisical_secret_with_tags_and_metadata_and_infisical_secret_import()
    {
        var projectId = await fx.Given.ProjectAsync();
        var created = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v3/secrets/raw/TF_SECRET", new
        {
            workspaceId = projectId,
            type = "shared",
            environment = "dev",
            secretKey = "TF_SECRET",
            secretValue = "one",
            secretComment = "",
            secretPath = "/",
            secretReminderNote = "",
            secretReminderRepeatDays = 0,
            tagIds = Array.Empty<string>(),
            secretMetadata = new[] { new { key = "owner", value = "platform" } },
        })))["secret"]!;
        Assert.False(string.IsNullOrEmpty(created["id"]!.GetValue<string>()));

        var query = $"workspaceId={projectId}&environment=dev&secretPath=/&type=shared";
        var read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v3/secrets/raw/TF_SECRET?{query}")))["secret"]!;
        Assert.Equal(["TF_SECRET", "one"], new[] { "secretKey", "secretValue" }.Select(k => read[k]!.GetValue<string>()));
        Assert.Equal("platform", Assert.Single(read["secretMetadata"]!.AsArray())!["value"]!.GetValue<string>());

        // An update that does not change the value leaves secretValue out; tags and metadata come as empty lists.
        await OkAsync(TfAsync(HttpMethod.Patch, "/api/v3/secrets/raw/TF_SECRET", new
        {
            secretName = "TF_SECRET",
            workspaceId = projectId,
            environment = "dev",
            type = "shared",
            secretPath = "/",
            secretReminderNote = "",
            secretReminderRepeatDays = 0,
            tagIds = Array.Empty<string>(),
            secretMetadata = Array.Empty<object>(),
        }));
        read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v3/secrets/raw/TF_SECRET?{query}")))["secret"]!;
        Assert.Equal("one", read["secretValue"]!.GetValue<string>());
        Assert.Equal(2, read["version"]!.GetValue<int>());
        Assert.Empty(read["secretMetadata"]!.AsArray());

        // infisical_secret_import: create, read by id, update, delete with its address in the body.
        await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/folders", new { workspaceId = projectId, environment = "staging", name = "shared", path = "/" }));
        var import = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/secret-imports", new
        {
            workspaceId = projectId,
            environment = "dev",
            path = "/",
            isReplication = false,
            import = new { environment = "staging", path = "/shared" },
        })))["secretImport"]!;
        var importId = import["id"]!.GetValue<string>();
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/secret-imports/{importId}", new
        {
            id = importId,
            workspaceId = projectId,
            environment = "dev",
            path = "/",
            isReplication = false,
            import = new { environment = "staging", path = "/" },
        }));
        var readImport = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/secret-imports/{importId}")))["secretImport"]!;
        Assert.Equal("/", readImport["importPath"]!.GetValue<string>());
        Assert.Equal("staging", readImport["importEnv"]!["slug"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/secret-imports/{importId}",
            new { id = importId, environment = "dev", workspaceId = projectId, path = "/" }));

        await OkAsync(TfAsync(HttpMethod.Delete, "/api/v3/secrets/raw/TF_SECRET",
            new { secretName = "TF_SECRET", workspaceId = projectId, environment = "dev", type = "shared", secretPath = "/" }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v3/secrets/raw/TF_SECRET?{query}")).Code);
    }

    [Fact]
    public async Task Token_auth_and_its_tokens_a_folder_and_a_tag()
    {
        var id = await IdentityAsync("tf-token");
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/token-auth/identities/{id}", new
        {
            identityId = id,
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
            accessTokenNumUsesLimit = 0,
            accessTokenTrustedIps = new[] { new { ipAddress = "0.0.0.0/0" } },
        }));
        // infisical_identity_token_auth_token: an unnamed token, read and renamed by its id, revoked.
        var created = await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/token-auth/identities/{id}/tokens", new { identityId = id, name = "" }));
        var tokenId = created["tokenData"]!["id"]!.GetValue<string>();
        Expect.Ok(await fx.Api.GetAsync("/api/v1/identities/details", created["accessToken"]!.GetValue<string>()));
        Assert.False((await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/token-auth/tokens/{tokenId}")))["token"]!["isAccessTokenRevoked"]!.GetValue<bool>());
        var renamed = (await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/token-auth/tokens/{tokenId}", new { tokenId, name = "ci" })))["token"]!;
        Assert.Equal("ci", renamed["name"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/token-auth/tokens/{tokenId}/revoke", new { tokenId }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/auth/token-auth/tokens/{tokenId}")).Code);
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/token-auth/identities/{id}", new { identityId = id }));

        // infisical_secret_folder: create, read by id, rename, list, delete with its address in the body.
        var projectId = await fx.Given.ProjectAsync();
        var folderId = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/folders",
            new { workspaceId = projectId, environment = "dev", name = "app", path = "/", description = "" })))["folder"]!["id"]!.GetValue<string>();
        Assert.Equal("app", (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/folders/{folderId}")))["folder"]!["name"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/folders/{folderId}",
            new { id = folderId, name = "app2", environment = "dev", workspaceId = projectId, path = "/" }));
        var folders = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/folders?workspaceId={projectId}&environment=dev&path=/"));
        Assert.Equal("app2", Assert.Single(folders["folders"]!.AsArray())!["name"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/folders/{folderId}", new { id = folderId, environment = "dev", workspaceId = projectId, path = "/" }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/folders/{folderId}")).Code);

        // infisical_secret_tag: an empty colour is no colour.
        var tagId = (await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/workspace/{projectId}/tags", new { name = "Team", slug = "team", color = "" })))["tag"]!["id"]!.GetValue<string>();
        Assert.Equal("team", (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/workspace/{projectId}/tags/{tagId}")))["tag"]!["slug"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/workspace/{projectId}/tags/{tagId}", new { name = "Ops", slug = "ops", color = "" }));
        Assert.Equal("ops", (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/tags/{tagId}")))["tag"]!["slug"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/projects/{projectId}/tags/{tagId}"));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/tags/{tagId}")).Code);
    }

    [Fact]
    public async Task Jwt_and_aws_auth_as_the_provider_sends_them()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var jwt = await IdentityAsync("tf-jwt");
        var jwtBody = new
        {
            identityId = jwt,
            configurationType = "static",
            jwksUrl = "",
            jwksCaCert = "",
            publicKeys = new[] { key.ExportSubjectPublicKeyInfoPem() },
            boundIssuer = "",
            boundAudiences = "",
            boundClaims = new Dictionary<string, string>(),
            boundSubject = "",
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
            accessTokenNumUsesLimit = 0,
        };
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/jwt-auth/identities/{jwt}", jwtBody));
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/jwt-auth/identities/{jwt}", jwtBody with { boundIssuer = "https://ci.example.com" }));
        var jwtRead = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/jwt-auth/identities/{jwt}")))["identityJwtAuth"]!;
        Assert.Equal(["static", "https://ci.example.com"], new[] { "configurationType", "boundIssuer" }.Select(k => jwtRead[k]!.GetValue<string>()));
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/jwt-auth/identities/{jwt}", new { identityId = jwt }));

        // AWS auth: the allow-lists are omitempty in the provider, so an update that leaves one out keeps it (as Infisical).
        var aws = await IdentityAsync("tf-aws");
        await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/auth/aws-auth/identities/{aws}", new
        {
            identityId = aws,
            stsEndpoint = "https://sts.amazonaws.com/",
            allowedPrincipalArns = "arn:aws:iam::123456789012:role/app",
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
            accessTokenNumUsesLimit = 0,
        }));
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/auth/aws-auth/identities/{aws}", new
        {
            identityId = aws,
            stsEndpoint = "https://sts.amazonaws.com/",
            allowedAccountIds = "123456789012",
            accessTokenTTL = 2592000,
            accessTokenMaxTTL = 2592000,
            accessTokenNumUsesLimit = 0,
        }));
        var awsRead = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/auth/aws-auth/identities/{aws}")))["identityAwsAuth"]!;
        Assert.Equal(["arn:aws:iam::123456789012:role/app", "123456789012"],
            new[] { "allowedPrincipalArns", "allowedAccountIds" }.Select(k => awsRead[k]!.GetValue<string>()));
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/auth/aws-auth/identities/{aws}", new { identityId = aws }));
    }

    [Fact]
    public async Task The_secrets_secret_folders_and_projects_data_sources()
    {
        var projectId = await fx.Given.ProjectAsync();
        foreach (var (name, value) in new[] { ("DB_HOST", "db.internal"), ("DB_URL", "postgres://${DB_HOST}/app") })
            await OkAsync(TfAsync(HttpMethod.Post, $"/api/v3/secrets/raw/{name}",
                new { workspaceId = projectId, type = "shared", environment = "dev", secretKey = name, secretValue = value, secretPath = "/" }));
        await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = "app", path = "/" }));

        // infisical_secrets without folder_path: no secretPath at all, references expanded.
        var secrets = (await OkAsync(TfAsync(HttpMethod.Get,
            $"/api/v3/secrets/raw?environment=dev&workspaceId={projectId}&expandSecretReferences=true")))["secrets"]!.AsArray();
        var byKey = secrets.ToDictionary(x => x!["secretKey"]!.GetValue<string>(), x => x!);
        Assert.Equal("postgres://db.internal/app", byKey["DB_URL"]["secretValue"]!.GetValue<string>());
        Assert.Equal(["", "shared"], new[] { "secretComment", "type" }.Select(k => byKey["DB_HOST"][k]!.GetValue<string>()));

        var folders = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/folders?workspaceId={projectId}&environment=dev&path=/")))["folders"]!.AsArray();
        Assert.Equal("app", Assert.Single(folders)!["name"]!.GetValue<string>());

        // infisical_projects: the project by slug, unwrapped, with its environments (name, slug, id) and the fields it
        // copies as strings, a number and a boolean.
        var slug = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}")))["project"]!["slug"]!.GetValue<string>();
        var project = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v2/workspace/{slug}"));
        Assert.Equal([projectId, slug, fx.OrgId], new[] { "id", "slug", "orgId" }.Select(k => project[k]!.GetValue<string>()));
        foreach (var field in new[] { "name", "createdAt", "updatedAt" }) Assert.False(string.IsNullOrEmpty(project[field]!.GetValue<string>()), field);
        Assert.True(project["version"]!.GetValue<long>() >= 1);
        _ = project["autoCapitalization"]!.GetValue<bool>();
        Assert.True(project.ContainsKey("upgradeStatus"));
        var environments = project["environments"]!.AsArray();
        Assert.Equal(["dev", "staging", "prod"], environments.Select(e => e!["slug"]!.GetValue<string>()));
        Assert.All(environments, e => Assert.False(string.IsNullOrEmpty(e!["id"]!.GetValue<string>()) || string.IsNullOrEmpty(e["name"]!.GetValue<string>())));
    }
}
