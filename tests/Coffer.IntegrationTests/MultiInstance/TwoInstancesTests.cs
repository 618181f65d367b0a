using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.Secrets;

namespace Coffer.IntegrationTests.MultiInstance;

/// <summary>
/// Issue 5.4: two processes on one PostgreSQL behave as one server. Every test warms B's caches first, changes
/// something on A, and asks B on the very next request.
/// </summary>
public sealed class TwoInstancesTests(TwoInstancesFixture fx) : IClassFixture<TwoInstancesFixture>
{
    private const string Login = "/api/v1/auth/universal-auth/login";

    [Fact]
    public async Task A_token_revoked_on_A_is_refused_on_B_at_the_next_request()
    {
        RequiresPostgres.Check();
        var (_, token) = await fx.Given.IdentityWithTokenAsync("admin");
        var read = $"/api/v1/identities?orgId={fx.Given.OrgId}";
        Expect.Ok(await fx.ApiB.GetAsync(read, token));
        Expect.Ok(await fx.ApiB.GetAsync(read, token));

        Expect.Ok(await fx.ApiA.PostAsync("/api/v1/auth/token/revoke", new { accessToken = token }));

        Expect.Error(await fx.ApiB.GetAsync(read, token), 401, "TokenError", "No identity access token found");
        Expect.Error(await fx.ApiA.GetAsync(read, token), 401, "TokenError", "No identity access token found");
    }

    [Fact]
    public async Task A_membership_deleted_on_A_is_denied_on_B_at_the_next_request()
    {
        RequiresPostgres.Check();
        var projectId = await fx.Given.ProjectAsync();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "member");
        Expect.Ok(await fx.ApiB.GetAsync($"/api/v1/projects/{projectId}", token));
        Expect.Ok(await fx.ApiB.GetAsync($"/api/v1/projects/{projectId}", token));

        Expect.Ok(await fx.ApiA.DeleteAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.Given.AdminToken));

        Expect.Error(await fx.ApiB.GetAsync($"/api/v1/projects/{projectId}", token), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");
    }

    [Fact]
    public async Task A_role_lowered_on_A_takes_effect_on_B_at_the_next_request()
    {
        RequiresPostgres.Check();
        var projectId = await fx.Given.ProjectAsync();
        var (identityId, token) = await fx.Given.ProjectMemberAsync(projectId, "admin");
        var other = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, other, "viewer");
        var memberships = $"/api/v1/projects/{projectId}/identity-memberships";
        Expect.Ok(await fx.ApiB.GetAsync($"{memberships}/{other}", token));

        Expect.Ok(await fx.ApiA.PatchAsync($"{memberships}/{identityId}", new { roles = new[] { new { role = "no-access" } } }, fx.Given.AdminToken));

        Expect.Error(await fx.ApiB.GetAsync($"{memberships}/{other}", token), 403, "PermissionDenied",
            "You are not allowed to read on identity", allowDetails: true);
    }

    /// <summary>
    /// Issue 22: on PostgreSQL a read gets its project's content version with the security epoch, in the query that
    /// authenticates it. Every read form warmed on B, then a change on A: B's very next read in each form shows it.
    /// </summary>
    [Fact]
    public async Task A_secret_changed_on_A_is_read_fresh_on_B_at_the_next_request_in_every_read_form()
    {
        RequiresPostgres.Check();
        var projectId = await fx.Given.ProjectAsync();
        var token = fx.Given.AdminToken;
        await SecretKeys.CreateAsync(fx.ApiA, token, projectId, "SHARED", "one");
        var reads = new (string Path, Func<ApiResponse, string?> Value)[]
        {
            ($"/api/v3/secrets/raw/SHARED?workspaceId={projectId}&environment=dev", r => (string?)r.Json["secret"]!["secretValue"]),
            ($"/api/v4/secrets/SHARED?projectId={projectId}&environment=dev", r => (string?)r.Json["secret"]!["secretValue"]),
            ($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev", r => (string?)r.Json["secrets"]![0]!["secretValue"]),
            ($"/api/v4/secrets?projectId={projectId}&environment=dev", r => (string?)r.Json["secrets"]![0]!["secretValue"]),
        };
        async Task<ApiResponse> OnB(string path)
        {
            var response = await fx.ApiB.GetAsync(path, token);
            Expect.Ok(response);
            return response;
        }
        foreach (var (path, value) in reads)
        {
            Assert.Equal("one", value(await OnB(path)));
            Assert.Equal("one", value(await OnB(path)));
        }

        var value2 = 2;
        foreach (var (path, value) in reads)
        {
            var next = $"v{value2++}";
            Expect.Ok(await fx.ApiA.PatchAsync("/api/v3/secrets/raw/SHARED",
                new { workspaceId = projectId, environment = "dev", secretValue = next }, token));
            Assert.Equal(next, value(await OnB(path)));
        }

        var folders = $"/api/v1/folders?workspaceId={projectId}&environment=dev&path=/";
        Assert.Empty((await OnB(folders)).Json["folders"]!.AsArray());
        Expect.Ok(await fx.ApiA.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = "later", path = "/" }, token));
        Assert.Equal("later", (string?)(await OnB(folders)).Json["folders"]![0]!["name"]);
    }

    [Fact]
    public async Task Failed_logins_on_both_instances_add_up_to_one_lockout()
    {
        RequiresPostgres.Check();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(),
            settings: new { lockoutThreshold = 3, lockoutDurationSeconds = 300, lockoutCounterResetSeconds = 600 });

        // Neither instance sees three failures by itself: A sees two, B one.
        foreach (var api in new[] { fx.ApiA, fx.ApiB, fx.ApiA })
            Expect.Error(await api.PostAsync(Login, new { clientId, clientSecret = "wrong" }), 401, "UnauthorizedError", "Invalid credentials");

        foreach (var api in new[] { fx.ApiB, fx.ApiA })
            Expect.Error(await api.PostAsync(Login, new { clientId, clientSecret = secret }), 401, "UnauthorizedError",
                "This identity auth method is temporarily locked, please try again later");
    }

    [Fact]
    public async Task Twenty_concurrent_logins_across_both_instances_respect_a_use_limit_of_five()
    {
        RequiresPostgres.Check();
        var identityId = await fx.Given.IdentityAsync();
        var attach = await fx.ApiA.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}", new { }, fx.Given.AdminToken);
        Expect.Ok(attach);
        var created = await fx.ApiA.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets",
            new { numUsesLimit = 5 }, fx.Given.AdminToken);
        Expect.Ok(created);
        var clientId = attach.Json["identityUniversalAuth"]!["clientId"]!.GetValue<string>();
        var secret = created.Json["clientSecret"]!.GetValue<string>();
        var secretId = created.Json["clientSecretData"]!["id"]!.GetValue<string>();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? fx.ApiA : fx.ApiB).PostAsync(Login, new { clientId, clientSecret = secret })));

        var ok = results.Where(r => r.Code == 200).ToList();
        Assert.Equal(5, ok.Count);
        Assert.Equal(5, ok.Select(r => r.Json["accessToken"]!.GetValue<string>()).Distinct().Count());
        Assert.All(results.Where(r => r.Code != 200),
            r => Expect.Error(r, 401, "UnauthorizedError", "Access denied due to client secret usage limit reached"));
        var stored = await fx.ApiB.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets/{secretId}", fx.Given.AdminToken);
        Expect.Ok(stored);
        Assert.Equal(5, stored.Json["clientSecretData"]!["clientSecretNumUses"]!.GetValue<long>());
    }

    [Fact]
    public async Task Writes_on_B_while_A_rotates_the_data_key_all_land_under_the_new_key()
    {
        RequiresPostgres.Check();
        var projectId = await fx.Given.ProjectAsync();
        await ConcurrentRotation.SeedAsync(fx.ApiA, fx.Given.AdminToken, projectId);
        // B loads the project's key 1 and keeps it while A makes key 2 current.
        Expect.Ok(await fx.ApiB.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev", fx.Given.AdminToken));

        var rotation = fx.ApiA.PostAsync($"/api/v1/admin/projects/{projectId}/rotate-data-key", null, fx.Given.AdminToken);
        var expected = await ConcurrentRotation.WriteWhileAsync(fx.ApiB, fx.Given.AdminToken, projectId, rotation);

        var rotated = await rotation;
        Expect.Ok(rotated);
        Assert.Equal(2, rotated.Json["rotation"]!["keyVersion"]!.GetValue<long>());
        await ConcurrentRotation.ExpectValuesAsync(fx.ApiB, fx.Given.AdminToken, projectId, expected);
        await ConcurrentRotation.ExpectValuesAsync(fx.ApiA, fx.Given.AdminToken, projectId, expected);
        foreach (var table in new[] { "secrets", "secret_versions" })
            Assert.Equal([2L], await fx.Database.QueryAsync<long>(
                $"SELECT DISTINCT key_version FROM {table} WHERE project_id = @projectId", new { projectId }));
        Assert.Equal([2L], await fx.Database.QueryAsync<long>("SELECT key_version FROM project_data_keys WHERE project_id = @projectId", new { projectId }));
    }

    /// <summary>
    /// Issue 16: a subscriber on B hears a write made on A (PostgreSQL NOTIFY between the processes), and a write it must
    /// not hear — another path — is made first, so the first thing it receives proves the filter. The delay is reported,
    /// not asserted: CI machines are loaded.
    /// </summary>
    [Fact]
    public async Task A_write_on_A_reaches_a_subscriber_on_B_and_only_where_it_may_listen()
    {
        RequiresPostgres.Check();
        var projectId = await fx.Given.ProjectAsync();
        foreach (var folder in new[] { "app", "other" })
            Expect.Ok(await fx.ApiA.PostAsync("/api/v1/folders", new { workspaceId = projectId, environment = "dev", name = folder, path = "/" }, fx.Given.AdminToken));
        var actions = new[] { "subscribe-on-created", "subscribe-on-updated", "subscribe-on-deleted", "subscribe-on-import-mutations" };
        await fx.Given.RoleAsync(projectId, "app-watcher",
        [
            new { subject = "secret-events", action = actions, conditions = new { secretPath = new Dictionary<string, string> { ["$glob"] = "/app/**" } } },
            new { subject = "secrets", action = new[] { "describeSecret" } },
        ]);
        var (_, watcher) = await fx.Given.ProjectMemberAsync(projectId, "app-watcher");
        var (_, member) = await fx.Given.ProjectMemberAsync(projectId, "member");
        object Subscription(string path) => new
        {
            projectId,
            register = new[] { new { @event = "secret:create", conditions = new { environmentSlug = "dev", secretPath = path } } },
        };
        var (all, refusedAll) = await EventStream.OpenAsync(fx.B.Http, member, Subscription("/**"));
        Assert.True(all is not null, refusedAll?.ToString());
        await using var everything = all!;
        var (app, refusedApp) = await EventStream.OpenAsync(fx.B.Http, watcher, Subscription("/app/**"));
        Assert.True(app is not null, refusedApp?.ToString());
        await using var appOnly = app!;

        await SecretKeys.CreateAsync(fx.ApiA, fx.Given.AdminToken, projectId, "OUTSIDE", "x", path: "/other");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await SecretKeys.CreateAsync(fx.ApiA, fx.Given.AdminToken, projectId, "INSIDE", "x", path: "/app");

        var seenByWatcher = await appOnly.NextAsync();
        var delay = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Assert.Equal("INSIDE", seenByWatcher?.Json?["data"]?["payload"]?["secretKey"]?.GetValue<string>());
        Assert.Equal("OUTSIDE", (await everything.NextAsync())?.Json?["data"]?["payload"]?["secretKey"]?.GetValue<string>());
        Assert.Equal("INSIDE", (await everything.NextAsync())?.Json?["data"]?["payload"]?["secretKey"]?.GetValue<string>());
        TestReport.Write("events across instances",
            $"a secret written on A reached a subscriber on B {delay.TotalMilliseconds:F0} ms after the write was acknowledged (PostgreSQL NOTIFY)");
    }
}

