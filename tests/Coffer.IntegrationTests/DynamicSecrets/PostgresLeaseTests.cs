using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// The <c>sql-database</c> provider with the <c>postgres</c> client against a real PostgreSQL server: a dynamic secret
/// is created, leased, the leased user logs in and queries, the lease is renewed and revoked, and the user is gone.
/// </summary>
public sealed class PostgresLeaseTests(DynamicSecretServer fx, TargetPostgres target)
    : IClassFixture<DynamicSecretServer>, IClassFixture<TargetPostgres>
{
    private const string Root = "/api/v1/dynamic-secrets";

    private static readonly string[] SecretKeys =
    [
        "id", "name", "version", "type", "defaultTTL", "maxTTL", "folderId", "status", "statusDetails", "createdAt", "updatedAt",
        "usernameTemplate", "gatewayId", "gatewayV2Id", "projectGatewayId", "metadata",
    ];

    private static readonly string[] LeaseKeys =
        ["id", "version", "externalEntityId", "expireAt", "status", "statusDetails", "dynamicSecretId", "createdAt", "updatedAt", "config"];

    private Api Api => fx.Api;

    private object Inputs(string? creation = null) => new
    {
        client = "postgres",
        host = "127.0.0.1",
        port = target.Port,
        database = "postgres",
        username = "postgres",
        password = TargetPostgres.RootPassword,
        creationStatement = creation ?? "CREATE USER \"{{username}}\" WITH ENCRYPTED PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
        revocationStatement = "DROP ROLE \"{{username}}\";",
        renewStatement = "ALTER ROLE \"{{username}}\" VALID UNTIL '{{expiration}}';",
    };

    private async Task<(TestProject Project, JsonObject Secret)> CreateAsync(string name = "pg", string? creation = null, string maxTtl = "24h",
        TestProject? inProject = null, string path = "/", object[]? metadata = null)
    {
        var project = inProject ?? await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync(Root, new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path,
            name,
            provider = new { type = "sql-database", inputs = Inputs(creation) },
            defaultTTL = "1h",
            maxTTL = maxTtl,
            metadata = metadata ?? [],
        }, fx.AdminToken);
        Expect.Ok(r);
        return (project, r.Json["dynamicSecret"]!.AsObject());
    }

    private async Task<JsonObject> LeaseAsync(TestProject project, string name = "pg", string? ttl = null)
    {
        // As the SDK's JSON.stringify: an absent TTL is left out, not sent as null.
        object body = ttl is null
            ? new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = name }
            : new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = name, ttl };
        var r = await Api.PostAsync($"{Root}/leases", body, fx.AdminToken);
        Expect.Ok(r);
        return r.Json;
    }

    [Fact]
    public async Task A_dynamic_secret_is_created_shown_without_its_root_password_listed_and_deleted()
    {
        var (project, secret) = await CreateAsync();
        Expect.Keys(secret, [.. SecretKeys, "inputs"]);
        Assert.Equal(["pg", "sql-database", "1h", "24h"], new[] { "name", "type", "defaultTTL", "maxTTL" }.Select(k => secret[k]!.GetValue<string>()));
        Assert.Equal(1, secret["version"]!.GetValue<int>());
        Assert.Null(secret["status"]);
        var inputs = secret["inputs"]!.AsObject();
        Assert.Equal("", inputs["password"]!.GetValue<string>()); // shown, never revealed
        Assert.Equal("postgres", inputs["client"]!.GetValue<string>());
        Assert.Equal(target.Port, inputs["port"]!.GetValue<int>());
        Assert.DoesNotContain(TargetPostgres.RootPassword, secret.ToJsonString(), StringComparison.Ordinal);
        await DatabaseBytes.AssertAbsentAsync(fx.Server, TargetPostgres.RootPassword); // sealed at rest

        var query = $"projectSlug={project.Slug}&environmentSlug=dev&path=/";
        var got = await Api.GetAsync($"{Root}/pg?{query}", fx.AdminToken);
        Expect.Ok(got);
        Assert.True(JsonNode.DeepEquals(secret, got.Json["dynamicSecret"]));
        var list = await Api.GetAsync($"{Root}?{query}", fx.AdminToken);
        Expect.Ok(list);
        var listed = Assert.Single(list.Json["dynamicSecrets"]!.AsArray())!.AsObject();
        Expect.Keys(listed, SecretKeys);

        var deleted = await Api.DeleteAsync($"{Root}/pg", fx.AdminToken, new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" });
        Expect.Ok(deleted);
        Assert.Equal(secret["id"]!.GetValue<string>(), deleted.Json["dynamicSecret"]!["id"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"{Root}/pg?{query}", fx.AdminToken), 404, "NotFound", "Dynamic secret with name 'pg' in folder '/' not found");
    }

    [Fact]
    public async Task A_leased_user_logs_in_and_queries_is_renewed_and_after_revocation_cannot_log_in()
    {
        var (project, secret) = await CreateAsync();
        var leased = await LeaseAsync(project, ttl: "30m");
        Expect.Keys(leased, "lease", "dynamicSecret", "data");
        var lease = leased["lease"]!.AsObject();
        Expect.Keys(lease, LeaseKeys);
        Expect.Keys(leased["dynamicSecret"]!.AsObject(), SecretKeys);
        Expect.Keys(leased["data"]!.AsObject(), "DB_USERNAME", "DB_PASSWORD");
        var user = leased["data"]!["DB_USERNAME"]!.GetValue<string>();
        var password = leased["data"]!["DB_PASSWORD"]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9]{32}$", user);
        Assert.Equal(48, password.Length);
        Assert.Equal(user, lease["externalEntityId"]!.GetValue<string>());
        Assert.Equal(secret["id"]!.GetValue<string>(), lease["dynamicSecretId"]!.GetValue<string>());
        var created = DateTimeOffset.Parse(lease["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(lease["expireAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(30), expires - created);

        Assert.Null(await target.LoginErrorAsync(user, password));
        Assert.Equal("28P01", await target.LoginErrorAsync(user, password + "x")); // a wrong password is refused: the server checks
        await fx.Server.Services.GetRequiredService<Coffer.Server.Features.AuditLogs.AuditBatcher>().FlushAsync(); // the lease's audit row too
        await DatabaseBytes.AssertAbsentAsync(fx.Server, password); // a leased password is handed out, never kept

        var leaseId = lease["id"]!.GetValue<string>();
        var place = new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" };
        var renewed = await Api.PostAsync($"{Root}/leases/{leaseId}/renew", new { place.projectSlug, place.environmentSlug, place.path, ttl = "1h" },
            fx.AdminToken);
        Expect.Ok(renewed);
        Expect.Keys(renewed.Json, "lease");
        var renewedExpiry = DateTimeOffset.Parse(renewed.Json["lease"]!["expireAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expires + TimeSpan.FromHours(1), renewedExpiry);
        Assert.Equal(2, renewed.Json["lease"]!["version"]!.GetValue<int>());

        var got = await Api.GetAsync($"{Root}/leases/{leaseId}?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Expect.Ok(got);
        Expect.Keys(got.Json["lease"]!.AsObject(), [.. LeaseKeys, "dynamicSecret"]);
        var listed = await Api.GetAsync($"{Root}/pg/leases?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Expect.Ok(listed);
        Assert.Equal(leaseId, Assert.Single(listed.Json["leases"]!.AsArray())!["id"]!.GetValue<string>());

        using var revocations = new CounterProbe("coffer.dynamic_secrets.lease_revocations", "outcome");
        var revoked = await Api.DeleteAsync($"{Root}/leases/{leaseId}", fx.AdminToken, place);
        Expect.Ok(revoked);
        Assert.True(revocations.Count("revoked") >= 1, "the revocation is counted (coffer.dynamic_secrets.lease_revocations)");
        Assert.Equal(leaseId, revoked.Json["lease"]!["id"]!.GetValue<string>());
        Assert.Equal("28P01", await target.LoginErrorAsync(user, password)); // refused: the role no longer exists (below)
        Assert.Equal(0, await target.RolesNamedAsync(user));
        Expect.Error(await Api.GetAsync($"{Root}/leases/{leaseId}?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken),
            404, "NotFound", $"Dynamic secret lease with ID '{leaseId}' not found");
    }

    [Fact]
    public async Task Renewals_never_pass_the_max_TTL_and_a_lease_never_starts_beyond_it()
    {
        var (project, _) = await CreateAsync(maxTtl: "2h");
        Expect.Error(await Api.PostAsync($"{Root}/leases",
                new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "pg", ttl = "3h" }, fx.AdminToken),
            400, "BadRequest", "TTL cannot be larger than max TTL");
        var lease = (await LeaseAsync(project, ttl: "90m"))["lease"]!["id"]!.GetValue<string>();
        Expect.Error(await Api.PostAsync($"{Root}/leases/{lease}/renew",
                new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", ttl = "1h" }, fx.AdminToken),
            400, "BadRequest", "TTL cannot be larger than max ttl: the requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL");
        Expect.Ok(await Api.PostAsync($"{Root}/leases/{lease}/renew",
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", ttl = "30m" }, fx.AdminToken));
    }

    [Fact]
    public async Task A_lease_whose_user_cannot_be_created_leaves_no_row_and_no_user()
    {
        // The second statement fails after the first created the role: the transaction takes both back.
        var (project, _) = await CreateAsync(creation:
            "CREATE USER \"{{username}}\" WITH PASSWORD '{{password}}'; SELECT * FROM no_such_table");
        var roles = await target.RoleCountAsync();
        var r = await Api.PostAsync($"{Root}/leases", new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "pg" },
            fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Failed to create lease from provider: relation \"no_such_table\" does not exist");
        Assert.Equal(roles, await target.RoleCountAsync());
        var listed = await Api.GetAsync($"{Root}/pg/leases?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Expect.Ok(listed);
        Assert.Empty(listed.Json["leases"]!.AsArray());
    }

    [Fact]
    public async Task An_expired_lease_is_revoked_by_the_server_without_any_request()
    {
        var (project, _) = await CreateAsync();
        var data = (await LeaseAsync(project, ttl: "1m"))["data"]!;
        var user = data["DB_USERNAME"]!.GetValue<string>();
        Assert.Equal(1, await target.RolesNamedAsync(user));
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(61));
        // The revoker looks every second; how long it takes here depends on the machine, so wait for the outcome.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await target.RolesNamedAsync(user) > 0 && DateTime.UtcNow < deadline) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(0, await target.RolesNamedAsync(user));
        var listed = await Api.GetAsync($"{Root}/pg/leases?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Assert.Empty(listed.Json["leases"]!.AsArray());
    }

    [Fact]
    public async Task A_create_against_a_closed_port_answers_400_naming_the_failure_without_the_password()
    {
        var project = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync(Root, new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            name = "nowhere",
            provider = new
            {
                type = "sql-database",
                inputs = new
                {
                    client = "postgres",
                    host = "127.0.0.1",
                    port = 1,
                    database = "postgres",
                    username = "postgres",
                    password = TargetPostgres.RootPassword,
                    creationStatement = "CREATE USER \"{{username}}\"",
                    revocationStatement = "DROP ROLE \"{{username}}\"",
                },
            },
            defaultTTL = "1h",
        }, fx.AdminToken);
        Assert.Equal(400, r.Code);
        Assert.StartsWith("Failed to connect with provider: ", r.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(TargetPostgres.RootPassword, r.RawBody, StringComparison.Ordinal);
        var list = await Api.GetAsync($"{Root}?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Assert.Empty(list.Json["dynamicSecrets"]!.AsArray());
    }

    [Fact]
    public async Task Path_conditions_decide_which_dynamic_secrets_an_identity_sees_and_leases()
    {
        var project = await fx.Given.TestProjectAsync();
        Expect.Ok(await Api.PostAsync("/api/v2/folders", new { projectId = project.Id, environment = "dev", name = "app", path = "/" }, fx.AdminToken));
        await CreateAsync("root-db", inProject: project);
        await CreateAsync("app-db", inProject: project, path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(project.Id,
            """[["read-root-credential,lease","dynamic-secrets",{"environment":"dev","secretPath":{"$glob":"/app/**"}}]]""");

        var atRoot = await Api.GetAsync($"{Root}?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);
        Expect.Ok(atRoot);
        Assert.Empty(atRoot.Json["dynamicSecrets"]!.AsArray());
        var atApp = await Api.GetAsync($"{Root}?projectSlug={project.Slug}&environmentSlug=dev&path=/app", token);
        Assert.Equal("app-db", Assert.Single(atApp.Json["dynamicSecrets"]!.AsArray())!["name"]!.GetValue<string>());

        Expect.Error(await Api.PostAsync($"{Root}/leases",
                new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "root-db" }, token),
            403, "PermissionDenied", "You are not allowed to lease on dynamic-secrets", allowDetails: true);
        var leased = await Api.PostAsync($"{Root}/leases",
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/app", dynamicSecretName = "app-db" }, token);
        Expect.Ok(leased);
        // Reading the connection settings needs edit-root-credential as well, as in Infisical.
        Expect.Error(await Api.GetAsync($"{Root}/app-db?projectSlug={project.Slug}&environmentSlug=dev&path=/app", token),
            403, "PermissionDenied", "You are not allowed to edit-root-credential on dynamic-secrets", allowDetails: true);
    }

    [Fact]
    public async Task A_data_key_rotation_reseals_the_root_credentials_and_leases_work_after_it()
    {
        var (project, _) = await CreateAsync();
        var rotation = await Api.PostAsync($"/api/v1/admin/projects/{project.Id}/rotate-data-key", null, fx.AdminToken);
        Expect.Ok(rotation);
        Assert.Equal(1, rotation.Json["rotation"]!["dynamicSecretsResealed"]!.GetValue<int>());
        var data = (await LeaseAsync(project))["data"]!;
        Assert.Null(await target.LoginErrorAsync(data["DB_USERNAME"]!.GetValue<string>(), data["DB_PASSWORD"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_folder_environment_or_project_holding_a_dynamic_secret_is_not_deleted_until_the_dynamic_secret_is()
    {
        var project = await fx.Given.TestProjectAsync();
        var folder = await Api.PostAsync("/api/v2/folders", new { projectId = project.Id, environment = "dev", name = "db", path = "/" }, fx.AdminToken);
        Expect.Ok(folder);
        await CreateAsync("held", inProject: project, path: "/db");
        var lease = await Api.PostAsync($"{Root}/leases",
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/db", dynamicSecretName = "held" }, fx.AdminToken);
        Expect.Ok(lease);
        var user = lease.Json["data"]!["DB_USERNAME"]!.GetValue<string>();

        const string Tail = " because it holds dynamic secrets (held); delete them first, which revokes their leases.";
        Expect.Error(await Api.DeleteAsync("/api/v2/folders/db", fx.AdminToken,
                new { projectId = project.Id, environment = "dev", path = "/", forceDelete = true }),
            400, "BadRequest", "Cannot delete the folder" + Tail);
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{project.Id}/environments/{project.EnvironmentIds["dev"]}", fx.AdminToken),
            400, "BadRequest", "Cannot delete the environment" + Tail);
        Expect.Error(await Api.DeleteAsync($"/api/v1/projects/{project.Id}", fx.AdminToken), 400, "BadRequest", "Cannot delete the project" + Tail);
        Assert.Equal(1, await target.RolesNamedAsync(user));

        Expect.Ok(await Api.DeleteAsync($"{Root}/held", fx.AdminToken, new { projectSlug = project.Slug, environmentSlug = "dev", path = "/db" }));
        Assert.Equal(0, await target.RolesNamedAsync(user)); // deleting the dynamic secret revoked its lease
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{project.Id}", fx.AdminToken));
    }

    [Fact]
    public async Task Metadata_conditions_decide_which_dynamic_secrets_an_identity_may_lease()
    {
        var project = await fx.Given.TestProjectAsync();
        var (_, payments) = await CreateAsync("payments-db", inProject: project, metadata: [new { key = "team", value = "payments" }]);
        Assert.Equal("""[{"key":"team","value":"payments"}]""",
            new JsonArray([.. payments["metadata"]!.AsArray().Select(m => (JsonNode)new JsonObject { ["key"] = m!["key"]!.DeepClone(), ["value"] = m["value"]!.DeepClone() })])
                .ToJsonString());
        await CreateAsync("web-db", inProject: project, metadata: [new { key = "team", value = "web" }]);
        var (_, token) = await fx.Given.CustomMemberAsync(project.Id,
            """[["read-root-credential,lease","dynamic-secrets",{"metadata":{"$elemMatch":{"key":{"$eq":"team"},"value":{"$eq":"payments"}}}}]]""");

        var list = await Api.GetAsync($"{Root}?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);
        Assert.Equal("payments-db", Assert.Single(list.Json["dynamicSecrets"]!.AsArray())!["name"]!.GetValue<string>());
        Expect.Ok(await Api.PostAsync($"{Root}/leases",
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "payments-db" }, token));
        Expect.Error(await Api.PostAsync($"{Root}/leases",
                new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "web-db" }, token),
            403, "PermissionDenied", "You are not allowed to lease on dynamic-secrets", allowDetails: true);
    }

    [Fact]
    public async Task An_edit_renames_and_changes_TTLs_keeps_the_stored_password_and_must_repeat_it_to_move_the_host()
    {
        var (project, secret) = await CreateAsync();
        var at = new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" };
        var edited = await Api.PatchAsync($"{Root}/pg", new { at.projectSlug, at.environmentSlug, at.path, data = new { defaultTTL = "2h", newName = "pg-renamed" } },
            fx.AdminToken);
        Expect.Ok(edited);
        var renamed = edited.Json["dynamicSecret"]!;
        Assert.Equal(["pg-renamed", "2h"], new[] { "name", "defaultTTL" }.Select(k => renamed[k]!.GetValue<string>()));
        Assert.Equal(2, renamed["version"]!.GetValue<int>());
        Assert.Equal(secret["id"]!.GetValue<string>(), renamed["id"]!.GetValue<string>());
        Assert.Equal("", renamed["inputs"]!["password"]!.GetValue<string>());

        // Moving the host without the password would send the stored one to wherever the editor points.
        Expect.Error(await Api.PatchAsync($"{Root}/pg-renamed",
                new { at.projectSlug, at.environmentSlug, at.path, data = new { inputs = new { host = "localhost" } } }, fx.AdminToken),
            400, "BadRequest", "Changing where the provider is reached (client, host or port) requires its credentials to be given again");
        // Nor with the password as routes show it (""): that is the stored one, not one given again.
        Expect.Error(await Api.PatchAsync($"{Root}/pg-renamed",
                new { at.projectSlug, at.environmentSlug, at.path, data = new { inputs = new { host = "localhost", password = "" } } }, fx.AdminToken),
            400, "BadRequest", "Changing where the provider is reached (client, host or port) requires its credentials to be given again");
        Expect.Ok(await Api.PatchAsync($"{Root}/pg-renamed",
            new { at.projectSlug, at.environmentSlug, at.path, data = new { inputs = new { host = "localhost", password = TargetPostgres.RootPassword } } },
            fx.AdminToken));
        // An edit of anything else keeps the stored password: leases still work.
        Expect.Ok(await Api.PatchAsync($"{Root}/pg-renamed",
            new { at.projectSlug, at.environmentSlug, at.path, data = new { inputs = new { database = "postgres" } } }, fx.AdminToken));
        var data = (await LeaseAsync(project, "pg-renamed"))["data"]!;
        Assert.Null(await target.LoginErrorAsync(data["DB_USERNAME"]!.GetValue<string>(), data["DB_PASSWORD"]!.GetValue<string>()));
    }
}
