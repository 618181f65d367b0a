using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary><c>describeSecret</c> / <c>readValue</c> / <c>create</c> / <c>edit</c> / <c>delete</c> with path, environment and name conditions.</summary>
public sealed class SecretPermissionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string AppOnly =
        """[["describeSecret,readValue,create,edit,delete","secrets",{"secretPath":{"$glob":"/app/**"}}],["read","secret-folders"]]""";

    private Api Api => fx.Api;

    private async Task<TestProject> SeededAsync()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app/api");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/ops");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "ROOT_KEY", "r");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "APP_KEY", "a", path: "/app/api");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "OPS_KEY", "o", path: "/ops");
        return p;
    }

    [Fact]
    public async Task An_identity_allowed_only_app_sees_nothing_else()
    {
        var p = await SeededAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, AppOnly);

        var everything = await SecretKeys.ListAsync(Api, token, p.Id, "&recursive=true");
        Assert.Equal(new Dictionary<string, string> { ["APP_KEY"] = "a" }, SecretKeys.Values(everything));
        Assert.Empty((await SecretKeys.ListAsync(Api, token, p.Id))["secrets"]!.AsArray());
        Assert.Empty((await SecretKeys.ListAsync(Api, token, p.Id, "&secretPath=/ops"))["secrets"]!.AsArray());
        Assert.Equal(["APP_KEY"], SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id, "&secretPath=/app/api")).Keys);

        var read = await Api.GetAsync($"/api/v3/secrets/raw/OPS_KEY?workspaceId={p.Id}&environment=dev&secretPath=/ops", token);
        Expect.Error(read, 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);
        Expect.Ok(await Api.GetAsync($"/api/v3/secrets/raw/APP_KEY?workspaceId={p.Id}&environment=dev&secretPath=/app/api", token));
    }

    [Fact]
    public async Task An_identity_allowed_only_app_cannot_write_elsewhere()
    {
        var p = await SeededAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, AppOnly);

        var create = await Api.PostAsync("/api/v3/secrets/raw/NEW", new { workspaceId = p.Id, environment = "dev", secretPath = "/ops", secretValue = "x" }, token);
        var body = Expect.Error(create, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
        Assert.Equal("/app/**", body["details"]![0]!["conditions"]!["secretPath"]!["$glob"]!.GetValue<string>());
        var createRoot = await Api.PostAsync("/api/v3/secrets/raw/NEW", new { workspaceId = p.Id, environment = "dev", secretValue = "x" }, token);
        Expect.Error(createRoot, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
        var edit = await Api.PatchAsync("/api/v3/secrets/raw/OPS_KEY", new { workspaceId = p.Id, environment = "dev", secretPath = "/ops", secretValue = "x" }, token);
        Expect.Error(edit, 403, "PermissionDenied", "You are not allowed to edit on secrets", allowDetails: true);
        var delete = await Api.DeleteAsync("/api/v3/secrets/raw/ROOT_KEY", token, new { workspaceId = p.Id, environment = "dev" });
        Expect.Error(delete, 403, "PermissionDenied", "You are not allowed to delete on secrets", allowDetails: true);
        var batch = await Api.PostAsync("/api/v4/secrets/batch",
            new { projectId = p.Id, environment = "dev", secretPath = "/ops", secrets = new[] { new { secretKey = "B", secretValue = "1" } } }, token);
        Expect.Error(batch, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);

        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/NEW", new { workspaceId = p.Id, environment = "dev", secretPath = "/app/api", secretValue = "x" }, token));
        Expect.Ok(await Api.PatchAsync("/api/v3/secrets/raw/APP_KEY", new { workspaceId = p.Id, environment = "dev", secretPath = "/app/api", secretValue = "y" }, token));
        var values = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&recursive=true"));
        Assert.Equal("r", values["ROOT_KEY"]);
        Assert.Equal("o", values["OPS_KEY"]);
        Assert.Equal("y", values["APP_KEY"]);
    }

    [Fact]
    public async Task Environment_and_name_conditions_apply()
    {
        var p = await SeededAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PUBLIC_URL", "u", environment: "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DB_PASSWORD", "p", environment: "prod");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue","secrets",{"environment":"prod","secretName":{"$glob":"PUBLIC_*"}}]]""");
        Assert.Equal(["PUBLIC_URL"], SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id, environment: "prod")).Keys);
        Assert.Empty(SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id)));
    }

    [Fact]
    public async Task Describe_without_read_value_hides_values_or_refuses()
    {
        var p = await SeededAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """[["describeSecret","secrets"]]""");

        var refused = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev", token);
        Expect.Error(refused, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);

        var hidden = await SecretKeys.ListAsync(Api, token, p.Id, "&viewSecretValue=false");
        var item = Assert.Single(hidden["secrets"]!.AsArray())!;
        Assert.Equal("<hidden-by-infisical>", item["secretValue"]!.GetValue<string>());
        Assert.True(item["secretValueHidden"]!.GetValue<bool>());

        // Sub-folders' unreadable secrets are left out rather than refused.
        var recursive = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&secretPath=/app&recursive=true", token);
        Expect.Ok(recursive);
        Assert.Empty(recursive.Json["secrets"]!.AsArray());

        var get = await Api.GetAsync($"/api/v3/secrets/raw/ROOT_KEY?workspaceId={p.Id}&environment=dev", token);
        Expect.Error(get, 403, "ForbiddenReadSecretError", "You do not have permission to view secret value on secret with name 'ROOT_KEY'");
        var getHidden = await Api.GetAsync($"/api/v3/secrets/raw/ROOT_KEY?workspaceId={p.Id}&environment=dev&viewSecretValue=false", token);
        Expect.Ok(getHidden);
        Assert.Equal("<hidden-by-infisical>", getHidden.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.True(getHidden.Json["secret"]!["secretValueHidden"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_writer_without_read_value_gets_masked_values_back()
    {
        var p = await SeededAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """[["describeSecret,edit","secrets"]]""");
        var r = await Api.PatchAsync("/api/v3/secrets/raw/ROOT_KEY", new { workspaceId = p.Id, environment = "dev", secretValue = "changed" }, token);
        Expect.Ok(r);
        Assert.Equal("<hidden-by-infisical>", r.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.True(r.Json["secret"]!["secretValueHidden"]!.GetValue<bool>());
        Assert.Equal("changed", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id))["ROOT_KEY"]);
    }

    [Fact]
    public async Task The_legacy_read_action_means_describe_and_read_value()
    {
        var p = await SeededAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """[["read","secrets"]]""");
        Assert.Equal("r", SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id))["ROOT_KEY"]);
        var create = await Api.PostAsync("/api/v3/secrets/raw/NO", new { workspaceId = p.Id, environment = "dev", secretValue = "x" }, token);
        Expect.Error(create, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
    }

    [Fact]
    public async Task Built_in_roles_no_access_and_viewer()
    {
        var p = await SeededAsync();
        var (_, none) = await fx.Given.ProjectMemberAsync(p.Id, "no-access");
        var list = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev", none);
        Expect.Error(list, 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);

        var (_, viewer) = await fx.Given.ProjectMemberAsync(p.Id, "viewer");
        Assert.Equal("r", SecretKeys.Values(await SecretKeys.ListAsync(Api, viewer, p.Id))["ROOT_KEY"]);
        var write = await Api.PostAsync("/api/v4/secrets/NO", new { projectId = p.Id, environment = "dev", secretValue = "x" }, viewer);
        Expect.Error(write, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
        var delete = await Api.DeleteAsync("/api/v4/secrets/ROOT_KEY", viewer, new { projectId = p.Id, environment = "dev" });
        Expect.Error(delete, 403, "PermissionDenied", "You are not allowed to delete on secrets", allowDetails: true);
    }

    [Fact]
    public async Task Outsiders_and_bad_tokens_are_refused()
    {
        var p = await SeededAsync();
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync();
        var r = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev", outsider);
        Assert.Equal(403, r.Code);
        Assert.Equal("ProjectMembershipNotFound", r.Json["error"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev"), 401, "UnauthorizedError", "Token missing");
        var bad = await Api.GetAsync($"/api/v4/secrets?projectId={p.Id}&environment=dev", "not-a-jwt");
        Assert.Equal(401, bad.Code);
        Assert.Equal("TokenError", bad.Json["error"]!.GetValue<string>());
    }
}
