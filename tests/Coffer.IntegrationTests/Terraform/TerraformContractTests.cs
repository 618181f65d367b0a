using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Terraform;

/// <summary>
/// Replays Terraform provider v0.19's exact request sequences (internal/client/*.go: paths, bodies as Go marshals them
/// — zero values included, <c>User-Agent: terraform</c>) for create → read → import → update → delete of each resource
/// it manages through what Coffer serves, and reads back every field the provider reads.
/// </summary>
public sealed class TerraformContractTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    // Go's time.Time zero value, which the provider marshals wherever a struct field is not omitempty-able.
    private const string GoZeroTime = "0001-01-01T00:00:00Z";

    private readonly TerraformCalls _terraform = new(fx);

    private Task<ApiResponse> TfAsync(HttpMethod method, string path, object? body = null) => _terraform.SendAsync(method, path, body);

    private static Task<JsonObject> OkAsync(Task<ApiResponse> call) => TerraformCalls.OkAsync(call);

    private static void Has(JsonNode? node, params string[] fields)
    {
        Assert.NotNull(node);
        foreach (var field in fields) Assert.True(node.AsObject().ContainsKey(field), $"'{field}' missing from {node.ToJsonString()}");
    }

    [Fact]
    public async Task Infisical_project_and_its_environments()
    {
        var orgSlug = (await OkAsync(TfAsync(HttpMethod.Get, "/api/v1/identities/details")))["identityDetails"]!["organization"]!["slug"]!.GetValue<string>();
        var slug = $"tf-{Guid.NewGuid():N}"[..12];
        var created = await OkAsync(TfAsync(HttpMethod.Post, "/api/v2/workspace", new
        {
            projectName = "Terraform project",
            projectDescription = "managed",
            slug,
            organizationSlug = orgSlug,
            shouldCreateDefaultEnvs = false,
            hasDeleteProtection = false,
        }));
        var project = created["project"]!;
        Has(project, "id", "name", "description", "slug", "type", "autoCapitalization", "orgId", "createdAt", "updatedAt", "version", "upgradeStatus");
        var projectId = project["id"]!.GetValue<string>();
        Assert.Equal(slug, project["slug"]!.GetValue<string>());

        // Read (by slug, unwrapped) and import (by id, under "workspace").
        var read = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v2/workspace/{slug}"));
        Has(read, "id", "name", "description", "slug", "type", "autoCapitalization", "orgId", "hasDeleteProtection", "version", "environments", "auditLogsRetentionDays");
        Assert.Empty(read["environments"]!.AsArray());
        Assert.Equal(projectId, (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/workspace/{projectId}")))["workspace"]!["id"]!.GetValue<string>());

        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/projects/{projectId}",
            new { projectId, slug, name = "Terraform project 2", description = "still managed", hasDeleteProtection = true }));
        await OkAsync(TfAsync(HttpMethod.Put, $"/api/v1/workspace/{slug}/audit-logs-retention", new { auditLogsRetentionDays = 30 }));
        read = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v2/workspace/{slug}"));
        Assert.Equal(["Terraform project 2", "still managed"], new[] { "name", "description" }.Select(k => read[k]!.GetValue<string>()));
        Assert.True(read["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Equal(30, read["auditLogsRetentionDays"]!.GetValue<int>());

        // infisical_project_environment: create, read and import by id, the data source by slug, update, delete.
        var env = (await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/workspace/{projectId}/environments",
            new { name = "Staging", slug = "staging", workspaceId = projectId })))["environment"]!;
        Has(env, "id", "name", "slug", "position", "projectId");
        var envId = env["id"]!.GetValue<string>();
        var byId = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/workspace/environments/{envId}")))["environment"]!;
        Assert.Equal(["Staging", "staging", projectId], new[] { "name", "slug", "projectId" }.Select(k => byId[k]!.GetValue<string>()));
        var dataSource = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/environments/slug/staging"));
        Assert.Equal([envId, "Staging"], new[] { "id", "name" }.Select(k => dataSource[k]!.GetValue<string>()));
        // The plan leaves the position to the server: the provider sends 0, and nothing moves.
        var updated = (await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/workspace/{projectId}/environments/{envId}",
            new { name = "Stage", slug = "stage", position = 0 })))["environment"]!;
        Assert.Equal(["Stage", "stage"], new[] { "name", "slug" }.Select(k => updated[k]!.GetValue<string>()));
        Assert.Equal(env["position"]!.GetValue<long>(), updated["position"]!.GetValue<long>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/workspace/{projectId}/environments/{envId}", new { id = envId, workspaceId = projectId }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/workspace/environments/{envId}")).Code);

        Expect.Error(await TfAsync(HttpMethod.Delete, $"/api/v2/workspace/{slug}", new { slug }), 403, "ForbiddenError",
            "Project delete protection is enabled");
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/projects/{projectId}", new { projectId, slug, name = "x", description = "", hasDeleteProtection = false }));
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v2/workspace/{slug}", new { slug }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v2/workspace/{slug}")).Code);
    }

    [Fact]
    public async Task Infisical_project_role_with_permissions_v2()
    {
        var projectId = await fx.Given.ProjectAsync();
        var permissions = new object[]
        {
            new Dictionary<string, object> { ["action"] = new[] { "describeSecret", "readValue" }, ["subject"] = "secrets", ["inverted"] = false,
                ["conditions"] = new Dictionary<string, object> { ["environment"] = new Dictionary<string, string> { ["$eq"] = "dev" } } },
        };
        var role = (await OkAsync(TfAsync(HttpMethod.Post, $"/api/v2/workspace/{projectId}/roles",
            new { slug = "tf-reader", name = "TF reader", description = "", permissions })))["role"]!;
        Has(role, "id", "name", "description", "slug", "projectId", "permissions");
        var roleId = role["id"]!.GetValue<string>();

        var read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v2/workspace/{projectId}/roles/slug/tf-reader")))["role"]!;
        var rule = read["permissions"]![0]!;
        Assert.Equal("""["describeSecret","readValue"]""", rule["action"]!.ToJsonString());
        Assert.Equal("secrets", rule["subject"]!.GetValue<string>());
        Assert.False(rule["inverted"]!.GetValue<bool>());
        Assert.Equal("""{"environment":{"$eq":"dev"}}""", rule["conditions"]!.ToJsonString());
        var imported = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/roles/{roleId}")))["role"]!;
        Assert.True(JsonNode.DeepEquals(read, imported), imported.ToJsonString());

        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v2/workspace/{projectId}/roles/{roleId}",
            new { slug = "tf-reader", name = "TF reader 2", description = "changed", permissions }));
        Assert.Equal("TF reader 2", (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v2/workspace/{projectId}/roles/slug/tf-reader")))["role"]!["name"]!
            .GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v2/workspace/{projectId}/roles/{roleId}"));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/projects/roles/{roleId}")).Code);
    }

    [Fact]
    public async Task Infisical_project_identity_specific_privilege()
    {
        var projectId = await fx.Given.ProjectAsync();
        var projectSlug = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}")))["project"]!["slug"]!.GetValue<string>();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId, "viewer");
        var rule = JsonNode.Parse("""{"actions":["read","edit"],"subject":"secrets","conditions":{"environment":"dev","secretPath":{"$glob":"/"}}}""");

        var created = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/additional-privilege/identity/permanent",
            new JsonObject { ["projectSlug"] = projectSlug, ["identityId"] = identityId, ["slug"] = "tf-extra", ["privilegePermission"] = rule!.DeepClone() })))["privilege"]!;
        Has(created, "id", "slug", "projectMembershipId", "isTemporary", "temporaryMode", "temporaryRange", "temporaryAccessStartTime",
            "temporaryAccessEndTime", "permissions", "createdAt", "updatedAt");
        var read = (await OkAsync(TfAsync(HttpMethod.Get,
            $"/api/v1/additional-privilege/identity/tf-extra?projectSlug={projectSlug}&identityId={identityId}")))["privilege"]!;
        Assert.True(JsonNode.DeepEquals(created, read), read.ToJsonString());

        // Update as the provider marshals it: the zero time it cannot omit, and a temporary range of Go's nanosecond form.
        var start = DateTime.UtcNow.AddMinutes(-5);
        var updated = (await OkAsync(TfAsync(HttpMethod.Patch, "/api/v1/additional-privilege/identity", new JsonObject
        {
            ["projectSlug"] = projectSlug,
            ["identityId"] = identityId,
            ["privilegeSlug"] = "tf-extra",
            ["privilegeDetails"] = new JsonObject
            {
                ["slug"] = "tf-extra",
                ["privilegePermission"] = rule.DeepClone(),
                ["isTemporary"] = true,
                ["temporaryMode"] = "relative",
                ["temporaryRange"] = "1h",
                ["temporaryAccessStartTime"] = start.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z"),
            },
        })))["privilege"]!;
        Assert.True(updated["isTemporary"]!.GetValue<bool>());
        var permanent = (await OkAsync(TfAsync(HttpMethod.Patch, "/api/v1/additional-privilege/identity", new JsonObject
        {
            ["projectSlug"] = projectSlug,
            ["identityId"] = identityId,
            ["privilegeSlug"] = "tf-extra",
            ["privilegeDetails"] = new JsonObject
            {
                ["privilegePermission"] = rule.DeepClone(),
                ["isTemporary"] = false,
                ["temporaryAccessStartTime"] = GoZeroTime,
            },
        })))["privilege"]!;
        Assert.False(permanent["isTemporary"]!.GetValue<bool>());

        await OkAsync(TfAsync(HttpMethod.Delete, "/api/v1/additional-privilege/identity", new { projectSlug, identityId, privilegeSlug = "tf-extra" }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get,
            $"/api/v1/additional-privilege/identity/tf-extra?projectSlug={projectSlug}&identityId={identityId}")).Code);
    }

    [Fact]
    public async Task Infisical_project_scoped_identity_and_infisical_project_user()
    {
        var projectId = await fx.Given.ProjectAsync();
        var roles = new[] { new { role = "viewer", isTemporary = false, temporaryMode = "", temporaryRange = "", temporaryAccessStartTime = GoZeroTime } };

        var identity = await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/projects/{projectId}/identities",
            new { name = "tf-scoped", hasDeleteProtection = false, roles }));
        Has(identity["identity"], "id", "name", "orgId", "projectId", "hasDeleteProtection", "authMethods", "createdAt", "updatedAt", "metadata");
        var identityId = identity["identity"]!["id"]!.GetValue<string>();
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/projects/{projectId}/memberships/identities/{identityId}", new { roles }));
        var membership = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/memberships/identities/{identityId}"));
        Assert.Equal("viewer", membership["identityMembership"]!["roles"]![0]!["role"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/projects/{projectId}/identities/{identityId}",
            new { name = "tf-scoped-2", hasDeleteProtection = false, metadata = Array.Empty<object>() }));
        Assert.Equal("tf-scoped-2", (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/identities/{identityId}")))["identity"]!["name"]!
            .GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v1/projects/{projectId}/identities/{identityId}"));
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/identities/{identityId}")).Code);

        // infisical_project_user: invite by username, read by username, set roles (Go's zero values included), data source by user id, remove.
        var (userId, username) = await OrgUserAsync();
        var invited = await OkAsync(TfAsync(HttpMethod.Post, $"/api/v2/workspace/{projectId}/memberships", new { projectId, usernames = new[] { username } }));
        var membershipId = invited["memberships"]![0]!["id"]!.GetValue<string>();
        var details = await OkAsync(TfAsync(HttpMethod.Post, $"/api/v1/workspace/{projectId}/memberships/details", new { projectId, username }));
        Assert.Equal(membershipId, details["membership"]!["id"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/workspace/{projectId}/memberships/{membershipId}", new { projectId, membershipId, roles }));
        var byUser = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/projects/{projectId}/user/{userId}/membership", new { projectId, userId }));
        var user = byUser["membership"]!["user"]!;
        Assert.Equal([username, userId], new[] { "username", "id" }.Select(k => user[k]!.GetValue<string>()));
        Assert.Equal("viewer", byUser["membership"]!["roles"]![0]!["role"]!.GetValue<string>());
        await OkAsync(TfAsync(HttpMethod.Delete, $"/api/v2/workspace/{projectId}/memberships", new { projectId, usernames = new[] { username } }));
        Assert.Equal(404, (await TfAsync(HttpMethod.Post, $"/api/v1/workspace/{projectId}/memberships/details", new { projectId, username })).Code);
    }

    [Fact]
    public async Task The_identity_details_and_organization_data_sources()
    {
        var details = await OkAsync(TfAsync(HttpMethod.Get, "/api/v1/identities/details"));
        var org = details["identityDetails"]!["organization"]!;
        Has(org, "id", "name", "slug");
        Assert.Equal(fx.OrgId, org["id"]!.GetValue<string>());
        // infisical_organization resolves a slug through the identity's own organization, then its sub-organizations.
        var subOrgs = await OkAsync(TfAsync(HttpMethod.Get, "/api/v1/sub-organizations?limit=1000&offset=0"));
        Assert.Equal(0, subOrgs["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Infisical_kms_key_create_with_isDisabled_read_update_delete()
    {
        var projectId = await fx.Given.ProjectAsync();
        // Create as the provider sends it: empty strings omitted; a planned is_disabled = true is a PATCH right after.
        var created = (await OkAsync(TfAsync(HttpMethod.Post, "/api/v1/kms/keys",
            new { projectId, name = "tf-key", keyUsage = "sign-verify", encryptionAlgorithm = "RSA_4096" })))["key"]!;
        Has(created, "id", "orgId", "version", "createdAt", "updatedAt", "keyUsage", "encryptionAlgorithm", "isDisabled");
        var keyId = created["id"]!.GetValue<string>();
        var disabled = (await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/kms/keys/{keyId}", new { isDisabled = true })))["key"]!;
        Assert.True(disabled["isDisabled"]!.GetValue<bool>());

        var read = (await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/kms/keys/{keyId}")))["key"]!;
        Has(read, "name", "description", "keyUsage", "encryptionAlgorithm", "isDisabled", "orgId", "version", "createdAt", "updatedAt");
        Assert.Equal(["tf-key", "sign-verify", "RSA_4096"], new[] { "name", "keyUsage", "encryptionAlgorithm" }.Select(k => read[k]!.GetValue<string>()));
        // Go decodes a null description into "": the provider's state is the same either way.
        Assert.Null(read["description"]);

        var updated = (await OkAsync(TfAsync(HttpMethod.Patch, $"/api/v1/kms/keys/{keyId}",
            new { name = "tf-key-2", description = "managed by terraform", isDisabled = false })))["key"]!;
        Assert.Equal(["tf-key-2", "managed by terraform"], new[] { "name", "description" }.Select(k => updated[k]!.GetValue<string>()));
        Assert.False(updated["isDisabled"]!.GetValue<bool>());
        var publicKey = await OkAsync(TfAsync(HttpMethod.Get, $"/api/v1/kms/keys/{keyId}/public-key"));
        Assert.False(string.IsNullOrEmpty(publicKey["publicKey"]!.GetValue<string>()));

        Expect.Ok(await TfAsync(HttpMethod.Delete, $"/api/v1/kms/keys/{keyId}"));
        // Read after delete is the 404 the provider turns into "gone".
        Assert.Equal(404, (await TfAsync(HttpMethod.Get, $"/api/v1/kms/keys/{keyId}")).Code);
    }

    private Task<(string Id, string Username)> OrgUserAsync() => OrgUsers.AddAsync(fx, "tf");
}
