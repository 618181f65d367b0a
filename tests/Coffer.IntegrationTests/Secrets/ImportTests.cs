using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>Secret imports and what <c>include_imports</c> brings into secret reads.</summary>
public sealed class ImportTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] ImportKeys =
    [
        "id", "version", "importPath", "importEnv", "position", "createdAt", "updatedAt", "folderId", "isReplication",
        "isReplicationSuccess", "replicationStatus", "lastReplicated", "isReserved",
    ];

    private Api Api => fx.Api;

    private async Task<string> ImportAsync(TestProject p, string environment, string path, string fromEnvironment, string fromPath)
    {
        var r = await Api.PostAsync("/api/v1/secret-imports",
            new { workspaceId = p.Id, environment, path, import = new { environment = fromEnvironment, path = fromPath } }, fx.AdminToken);
        Expect.Ok(r);
        return r.Json["secretImport"]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Create_returns_the_import_with_its_environment()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/common", "prod");
        var r = await Api.PostAsync("/api/v2/secret-imports",
            new { projectId = p.Id, environment = "dev", path = "/", import = new { environment = "prod", path = "/common/" } }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "message", "secretImport");
        Assert.Equal("Successfully created secret import", r.Json["message"]!.GetValue<string>());
        var import = r.Json["secretImport"]!.AsObject();
        Expect.Keys(import, ImportKeys);
        Assert.Equal("/common", import["importPath"]!.GetValue<string>());
        Assert.Equal(1, import["position"]!.GetValue<int>());
        Expect.Keys(import["importEnv"]!.AsObject(), "name", "slug", "id");
        Assert.Equal("prod", import["importEnv"]!["slug"]!.GetValue<string>());
    }

    [Fact]
    public async Task Include_imports_returns_imported_secrets_separately()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/common", "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SHARED_KEY", "from-prod", path: "/common", environment: "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LOCAL", "mine");
        await ImportAsync(p, "dev", "/", "prod", "/common");

        var without = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id);
        Assert.Empty(without["imports"]!.AsArray());

        var with = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&include_imports=true");
        Assert.Equal(["LOCAL"], SecretKeys.Values(with).Keys);
        var imports = with["imports"]!.AsArray();
        var group = Assert.Single(imports)!.AsObject();
        Expect.Keys(group, "secretPath", "environment", "folderId", "secrets");
        Assert.Equal("/common", group["secretPath"]!.GetValue<string>());
        Assert.Equal("prod", group["environment"]!.GetValue<string>());
        var secret = Assert.Single(group["secrets"]!.AsArray())!.AsObject();
        Expect.Keys(secret, SecretKeys.Imported);
        Assert.Equal("from-prod", secret["secretValue"]!.GetValue<string>());
        Assert.Equal("", secret["workspace"]!.GetValue<string>());

        var get = await Api.GetAsync($"/api/v3/secrets/raw/SHARED_KEY?workspaceId={p.Id}&environment=dev&include_imports=true", fx.AdminToken);
        Expect.Ok(get);
        Assert.Equal("from-prod", get.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal("prod", get.Json["secret"]!["environment"]!.GetValue<string>());
        var camel = await Api.GetAsync($"/api/v3/secrets/raw/SHARED_KEY?workspaceId={p.Id}&environment=dev&includeImports=true", fx.AdminToken);
        Expect.Ok(camel);
        var notImported = await Api.GetAsync($"/api/v3/secrets/raw/SHARED_KEY?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Error(notImported, 404, "NotFound", "Secret with name 'SHARED_KEY' not found");
    }

    [Fact]
    public async Task Imports_of_imports_fold_into_the_first_level_and_loops_end()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "FROM_STAGING", "s", environment: "staging");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "FROM_PROD", "p", environment: "prod");
        await ImportAsync(p, "dev", "/", "staging", "/");
        await ImportAsync(p, "staging", "/", "prod", "/");
        var cyclic = await Api.PostAsync("/api/v1/secret-imports",
            new { workspaceId = p.Id, environment = "staging", path = "/", import = new { environment = "dev", path = "/" } }, fx.AdminToken);
        Expect.Error(cyclic, 400, "BadRequest", "Cyclic import not allowed");

        var with = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&include_imports=true");
        var group = Assert.Single(with["imports"]!.AsArray())!;
        Assert.Equal("staging", group["environment"]!.GetValue<string>());
        Assert.Equal(["FROM_STAGING", "FROM_PROD"], group["secrets"]!.AsArray().Select(s => s!["secretKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Imported_values_are_expanded_and_hidden_when_asked()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "BASE", "b", environment: "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DERIVED", "${BASE}-x", environment: "prod");
        await ImportAsync(p, "dev", "/", "prod", "/");
        var expanded = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&include_imports=true&expandSecretReferences=true");
        var secrets = expanded["imports"]![0]!["secrets"]!.AsArray();
        Assert.Equal("b-x", secrets.Single(s => s!["secretKey"]!.GetValue<string>() == "DERIVED")!["secretValue"]!.GetValue<string>());
        var hidden = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&include_imports=true&viewSecretValue=false");
        var item = hidden["imports"]![0]!["secrets"]![0]!;
        Assert.Equal("<hidden-by-infisical>", item["secretValue"]!.GetValue<string>());
        Assert.True(item["secretValueHidden"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_update_get_and_delete_imports()
    {
        var p = await fx.Given.TestProjectAsync();
        var first = await ImportAsync(p, "dev", "/", "staging", "/");
        var second = await ImportAsync(p, "dev", "/", "prod", "/");
        var list = await Api.GetAsync($"/api/v1/secret-imports?workspaceId={p.Id}&environment=dev&path=/", fx.AdminToken);
        Expect.Ok(list);
        Expect.Keys(list.Json, "message", "secretImports");
        Assert.Equal("Successfully fetched secret imports", list.Json["message"]!.GetValue<string>());
        Assert.Equal([first, second], list.Json["secretImports"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));

        var moved = await Api.PatchAsync($"/api/v2/secret-imports/{second}",
            new { projectId = p.Id, environment = "dev", path = "/", import = new { position = 1 } }, fx.AdminToken);
        Expect.Ok(moved);
        Assert.Equal("Successfully updated secret import", moved.Json["message"]!.GetValue<string>());
        var reordered = await Api.GetAsync($"/api/v2/secret-imports?projectId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal([second, first], reordered.Json["secretImports"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));

        var one = await Api.GetAsync($"/api/v2/secret-imports/{first}", fx.AdminToken);
        Expect.Ok(one);
        Expect.Keys(one.Json["secretImport"]!.AsObject(), [.. ImportKeys, "environment", "projectId", "secretPath"]);
        Assert.Equal("dev", one.Json["secretImport"]!["environment"]!["slug"]!.GetValue<string>());

        var deleted = await Api.DeleteAsync($"/api/v1/secret-imports/{second}", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", path = "/" });
        Expect.Ok(deleted);
        Assert.Equal("Successfully deleted secret import", deleted.Json["message"]!.GetValue<string>());
        var after = await Api.GetAsync($"/api/v2/secret-imports?projectId={p.Id}&environment=dev", fx.AdminToken);
        var remaining = Assert.Single(after.Json["secretImports"]!.AsArray())!;
        Assert.Equal(1, remaining["position"]!.GetValue<int>());

        var missing = await Api.DeleteAsync($"/api/v1/secret-imports/{second}", fx.AdminToken, new { workspaceId = p.Id, environment = "dev" });
        Expect.Error(missing, 404, "NotFound", $"Secret import with folder ID '{second}' not found");
        var badUpdate = await Api.PatchAsync($"/api/v2/secret-imports/{second}", new { projectId = p.Id, environment = "dev", import = new { } }, fx.AdminToken);
        Expect.Error(badUpdate, 400, "BadRequest", "Secret import not found");
        var noFolder = await Api.GetAsync($"/api/v2/secret-imports?projectId={p.Id}&environment=dev&path=/nope", fx.AdminToken);
        Expect.Error(noFolder, 404, "NotFound", "Folder with path '/nope' in environment with slug 'dev' not found");
    }

    [Fact]
    public async Task Replication_is_a_paid_feature()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v2/secret-imports",
            new { projectId = p.Id, environment = "dev", import = new { environment = "prod", path = "/" }, isReplication = true }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Failed to create secret replication due to plan restriction. Upgrade plan to create replication.");
    }

    [Fact]
    public async Task Secrets_from_imports_route_lists_them_with_environment_info()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "X", "1", environment: "prod");
        await ImportAsync(p, "dev", "/", "prod", "/");
        var r = await Api.GetAsync($"/api/v2/secret-imports/secrets?projectId={p.Id}&environment=dev&path=/", fx.AdminToken);
        Expect.Ok(r);
        var group = Assert.Single(r.Json["secrets"]!.AsArray())!.AsObject();
        Expect.Keys(group, "secretPath", "environment", "environmentInfo", "folderId", "secrets");
        Expect.Keys(group["environmentInfo"]!.AsObject(), "id", "name", "slug");
        Expect.Keys(group["secrets"]![0]!.AsObject(), SecretKeys.Raw);
        var v1 = await Api.GetAsync($"/api/v1/secret-imports/secrets/raw?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal("1", v1.Json["secrets"]![0]!["secrets"]![0]!["secretValue"]!.GetValue<string>());
    }
}
