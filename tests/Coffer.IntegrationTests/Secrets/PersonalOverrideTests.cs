using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>Personal overrides belong to signed-in users; identities see the shared value and get 400s for personal writes.</summary>
public sealed class PersonalOverrideTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private async Task<string> UserTokenAsync()
    {
        var login = await Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        Expect.Ok(login);
        var select = await Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId }, login.Json["accessToken"]!.GetValue<string>());
        Expect.Ok(select);
        return select.Json["token"]!.GetValue<string>();
    }

    /// <summary>A project the signed-in user created (so is admin of), with the bootstrap identity as a member too.</summary>
    private async Task<(string ProjectId, string UserToken)> ProjectAsync()
    {
        var user = await UserTokenAsync();
        var projectId = await fx.Given.ProjectAsync(token: user);
        var identityId = fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>();
        await fx.Given.MemberAsync(projectId, identityId, "admin", user);
        return (projectId, user);
    }

    [Fact]
    public async Task A_user_override_shows_only_to_that_user_and_goes_with_its_shared_secret()
    {
        var (projectId, user) = await ProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "DB_HOST", "shared-host");
        var created = await Api.PostAsync("/api/v3/secrets/raw/DB_HOST",
            new { workspaceId = projectId, environment = "dev", secretValue = "localhost", type = "personal" }, user);
        Expect.Ok(created);
        Assert.Equal("personal", created.Json["secret"]!["type"]!.GetValue<string>());

        var mine = await SecretKeys.ListAsync(Api, user, projectId);
        Assert.Equal(["shared:shared-host", "personal:localhost"],
            mine["secrets"]!.AsArray().Select(s => $"{s!["type"]}:{s["secretValue"]}"));
        var personal = await Api.GetAsync($"/api/v3/secrets/raw/DB_HOST?workspaceId={projectId}&environment=dev&type=personal", user);
        Assert.Equal("localhost", personal.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal("shared-host", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, projectId))["DB_HOST"]);
        var notTheirs = await Api.GetAsync($"/api/v3/secrets/raw/DB_HOST?workspaceId={projectId}&environment=dev&type=personal", fx.AdminToken);
        Expect.Error(notTheirs, 404, "NotFound", "Secret with name 'DB_HOST' not found");

        var updated = await Api.PatchAsync("/api/v3/secrets/raw/DB_HOST",
            new { workspaceId = projectId, environment = "dev", secretValue = "127.0.0.1", type = "personal" }, user);
        Expect.Ok(updated);
        Assert.Equal(2, updated.Json["secret"]!["version"]!.GetValue<int>());
        var rename = await Api.PatchAsync("/api/v3/secrets/raw/DB_HOST",
            new { workspaceId = projectId, environment = "dev", newSecretName = "OTHER", type = "personal" }, user);
        Expect.Error(rename, 400, "BadRequest", "Personal secret cannot change the key name");

        Expect.Ok(await Api.DeleteAsync("/api/v3/secrets/raw/DB_HOST", fx.AdminToken, new { workspaceId = projectId, environment = "dev" }));
        Assert.Empty((await SecretKeys.ListAsync(Api, user, projectId))["secrets"]!.AsArray());
    }

    [Fact]
    public async Task A_user_can_delete_only_its_own_override()
    {
        var (projectId, user) = await ProjectAsync();
        await SecretKeys.CreateAsync(Api, user, projectId, "API_URL", "https://prod");
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/API_URL",
            new { workspaceId = projectId, environment = "dev", secretValue = "http://localhost", type = "personal" }, user));
        var deleted = await Api.DeleteAsync("/api/v3/secrets/raw/API_URL", user, new { workspaceId = projectId, environment = "dev", type = "personal" });
        Expect.Ok(deleted);
        Assert.Equal("http://localhost", deleted.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal(["shared:https://prod"],
            (await SecretKeys.ListAsync(Api, user, projectId))["secrets"]!.AsArray().Select(s => $"{s!["type"]}:{s["secretValue"]}"));
    }

    [Fact]
    public async Task An_override_needs_a_shared_secret_of_the_same_name()
    {
        var (projectId, user) = await ProjectAsync();
        var create = await Api.PostAsync("/api/v3/secrets/raw/NOPE", new { workspaceId = projectId, environment = "dev", secretValue = "x", type = "personal" }, user);
        Expect.Error(create, 400, "BadRequest", "Failed to create personal secret override for no corresponding shared secret");
        var update = await Api.PatchAsync("/api/v3/secrets/raw/NOPE", new { workspaceId = projectId, environment = "dev", secretValue = "x", type = "personal" }, user);
        Expect.Error(update, 404, "NotFound", "Personal secret with name NOPE not found");
    }
}
