using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// Replays the requests Infisical's Go CLI makes (client-calls.md §3.1) — the real binary cannot be downloaded here —
/// and checks the fields it reads. Every request carries <c>User-Agent: cli</c> as the CLI's do.
/// </summary>
public sealed class GoCliContractTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Task<ApiResponse> CliAsync(HttpMethod method, string path, object? body, string? token, string? ifNoneMatch = null) =>
        fx.Api.SendAsync(method, path, body, token, m =>
        {
            m.Headers.UserAgent.ParseAdd("cli");
            if (ifNoneMatch is not null) m.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        });

    private async Task<(TestProject Project, string Token)> LoggedInAsync()
    {
        var p = await fx.Given.TestProjectAsync();
        var identity = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(p.Id, identity);
        var (clientId, clientSecret) = await fx.Given.UniversalAuthAsync(identity);
        // `infisical login --method=universal-auth`: note the trailing slash.
        var login = await CliAsync(HttpMethod.Post, "/api/v1/auth/universal-auth/login/", new { clientId, clientSecret }, null);
        Expect.Ok(login);
        Assert.Equal("Bearer", login.Json["tokenType"]!.GetValue<string>());
        Assert.True(login.Json["expiresIn"]!.GetValue<long>() > 0);
        Assert.NotNull(login.Json["accessTokenMaxTTL"]);
        return (p, login.Json["accessToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secrets_run_and_export_read_secrets_imports_and_the_ETag()
    {
        var (p, token) = await LoggedInAsync();
        await SecretKeys.CreateAsync(fx.Api, fx.AdminToken, p.Id, "NAME", "coffer", comment: "who");
        await SecretKeys.CreateAsync(fx.Api, fx.AdminToken, p.Id, "GREETING", "hello ${NAME}");
        await SecretKeys.CreateAsync(fx.Api, fx.AdminToken, p.Id, "FROM_PROD", "p", environment: "prod");
        Expect.Ok(await fx.Api.PostAsync("/api/v1/secret-imports",
            new { workspaceId = p.Id, environment = "dev", path = "/", import = new { environment = "prod", path = "/" } }, fx.AdminToken));

        // `infisical secrets` / `run` / `export`: include_imports and expandSecretReferences are on by default.
        var url = $"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&secretPath=%2F&include_imports=true&expandSecretReferences=true";
        var r = await CliAsync(HttpMethod.Get, url, null, token);
        Expect.Ok(r);
        var secrets = r.Json["secrets"]!.AsArray();
        var greeting = secrets.Single(s => s!["secretKey"]!.GetValue<string>() == "GREETING")!;
        Assert.Equal("hello coffer", greeting["secretValue"]!.GetValue<string>());
        Assert.Equal("shared", greeting["type"]!.GetValue<string>());
        Assert.Equal("who", secrets.Single(s => s!["secretKey"]!.GetValue<string>() == "NAME")!["secretComment"]!.GetValue<string>());
        var import = Assert.Single(r.Json["imports"]!.AsArray())!;
        Assert.Equal("/", import["secretPath"]!.GetValue<string>());
        Assert.Equal("prod", import["environment"]!.GetValue<string>());
        Assert.Equal("p", import["secrets"]![0]!["secretValue"]!.GetValue<string>());

        var etag = r.Header("ETag");
        Assert.NotNull(etag);
        var again = await CliAsync(HttpMethod.Get, url, null, token, etag);
        Assert.Equal(HttpStatusCode.NotModified, again.Status);

        var recursive = await CliAsync(HttpMethod.Get, url + "&recursive=true&tagSlugs=", null, token);
        Expect.Ok(recursive);
    }

    /// <summary>
    /// The CLI since 0.43.99 (<c>CallGetSecretsV4</c>): <c>GET /api/v4/secrets</c> with every flag sent explicitly in
    /// camelCase (resty sorts the query), the same fields again as a JSON body on the GET, and personal overrides left to
    /// the server — with <c>true</c> the signed-in user's value replaces the shared one, with <c>false</c> only shared rows.
    /// </summary>
    [Fact]
    public async Task Secrets_run_reads_through_v4_and_lets_the_server_apply_personal_overrides()
    {
        var login = await fx.Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        var select = await fx.Api.PostAsync("/api/v3/auth/select-organization", new { organizationId = fx.OrgId },
            login.Json["accessToken"]!.GetValue<string>());
        var user = select.Json["token"]!.GetValue<string>();
        var projectId = await fx.Given.ProjectAsync(token: user);
        await SecretKeys.CreateAsync(fx.Api, user, projectId, "DB_HOST", "db.internal");
        await SecretKeys.CreateAsync(fx.Api, user, projectId, "DB_URL", "postgres://${DB_HOST}/app");
        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/DB_HOST",
            new { workspaceId = projectId, environment = "dev", secretValue = "localhost", type = "personal" }, user));

        async Task<ApiResponse> RunAsync(bool overrides)
        {
            var flag = overrides ? "true" : "false";
            var url = $"/api/v4/secrets?environment=dev&expandSecretReferences=true&includeImports=true&includePersonalOverrides={flag}" +
                $"&projectId={projectId}&recursive=false&secretPath=%2F";
            var body = new
            {
                environment = "dev",
                projectId,
                secretPath = "/",
                includeImports = true,
                recursive = false,
                expandSecretReferences = true,
                includePersonalOverrides = overrides,
            };
            var r = await CliAsync(HttpMethod.Get, url, body, user);
            Expect.Ok(r);
            Assert.NotNull(r.Header("ETag"));
            return r;
        }

        static string Listing(ApiResponse r) => string.Join(",", r.Json["secrets"]!.AsArray()
            .Select(s => $"{s!["secretKey"]}={s["secretValue"]}({s["type"]})").Order(StringComparer.Ordinal));

        var withOverrides = await RunAsync(true);
        Assert.Equal("DB_HOST=localhost(personal),DB_URL=postgres://db.internal/app(shared)", Listing(withOverrides));
        var sharedOnly = await RunAsync(false);
        Assert.Equal("DB_HOST=db.internal(shared),DB_URL=postgres://db.internal/app(shared)", Listing(sharedOnly));
        // The ETag the CLI compares for --watch differs between the two answers, and repeats for the same one.
        Assert.NotEqual(withOverrides.Header("ETag"), sharedOnly.Header("ETag"));
        Assert.Equal(withOverrides.Header("ETag"), (await RunAsync(true)).Header("ETag"));

        // `infisical secrets get DB_URL` (CallFetchSingleSecretByName): v4 by name, camelCase includeImports, a JSON body on the GET.
        var single = await CliAsync(HttpMethod.Get,
            $"/api/v4/secrets/DB_URL?environment=dev&expandSecretReferences=true&includeImports=true&projectId={projectId}&secretPath=%2F&type=shared",
            new { secretName = "DB_URL", workspaceId = projectId, type = "shared", environment = "dev", secretPath = "/" }, user);
        Expect.Ok(single);
        Assert.Equal("postgres://db.internal/app", single.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.NotNull(single.Header("ETag"));

        // Older clients that do not send the flag still get both rows, as before.
        var legacy = await CliAsync(HttpMethod.Get, $"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&secretPath=%2F", null, user);
        Assert.Equal("DB_HOST=db.internal(shared),DB_HOST=localhost(personal),DB_URL=postgres://${DB_HOST}/app(shared)", Listing(legacy));

        // A machine identity has no overrides: the flag changes nothing for it.
        var identity = fx.Given.Bootstrap["identity"]!["id"]!.GetValue<string>();
        await fx.Given.MemberAsync(projectId, identity, "admin", user);
        var machine = await CliAsync(HttpMethod.Get,
            $"/api/v4/secrets?environment=dev&includePersonalOverrides=true&projectId={projectId}&secretPath=%2F", null, fx.AdminToken);
        Assert.Equal("DB_HOST=db.internal(shared),DB_URL=postgres://${DB_HOST}/app(shared)", Listing(machine));
    }

    /// <summary>
    /// `infisical login` with email and password, then `infisical init`: the password login (the CLI falls back to SRP
    /// only if it fails), the organization picker, selecting one, checkAuth, and the projects it offers (read by `_id`).
    /// </summary>
    [Fact]
    public async Task User_login_and_init_walk_the_routes_the_CLI_calls()
    {
        var login = await CliAsync(HttpMethod.Post, "/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword }, null);
        Expect.Ok(login);
        var unscoped = login.Json["accessToken"]!.GetValue<string>();
        var orgs = await CliAsync(HttpMethod.Get, "/api/v1/organization", null, unscoped);
        Expect.Ok(orgs);
        var orgId = orgs.Json["organizations"]![0]!["id"]!.GetValue<string>();
        Expect.Ok(await CliAsync(HttpMethod.Get, "/api/v1/organization/accessible-with-sub-orgs", null, unscoped));
        var selected = await CliAsync(HttpMethod.Post, "/api/v3/auth/select-organization", new { organizationId = orgId }, unscoped);
        Expect.Ok(selected);
        var token = selected.Json["token"]!.GetValue<string>();
        Expect.Ok(await CliAsync(HttpMethod.Post, "/api/v1/auth/checkAuth", null, token));

        var projectId = await fx.Given.ProjectAsync(token: token);
        var workspaces = await CliAsync(HttpMethod.Get, "/api/v1/workspace", null, token);
        Expect.Ok(workspaces);
        var mine = workspaces.Json["workspaces"]!.AsArray().Single(w => w!["id"]!.GetValue<string>() == projectId)!;
        // `infisical init` writes the project id it reads from `_id` into .infisical.json.
        Assert.Equal(projectId, mine["_id"]?.GetValue<string>());
        Assert.Equal(orgId, mine["orgId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secrets_get_set_and_delete()
    {
        var (p, token) = await LoggedInAsync();
        var create = await CliAsync(HttpMethod.Post, "/api/v3/secrets/raw/CLI_KEY",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/", secretValue = "first", type = "shared" }, token);
        Expect.Ok(create);

        var get = await CliAsync(HttpMethod.Get,
            $"/api/v3/secrets/raw/CLI_KEY?expandSecretReferences=true&include_imports=true&environment=dev&secretPath=%2F&workspaceId={p.Id}&type=shared", null, token);
        Expect.Ok(get);
        Assert.Equal("first", get.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.NotNull(get.Header("ETag"));

        // `secrets set` on an existing key updates it.
        var update = await CliAsync(HttpMethod.Patch, "/api/v3/secrets/raw/CLI_KEY",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/", secretValue = "second", type = "shared" }, token);
        Expect.Ok(update);
        Assert.Equal("second", update.Json["secret"]!["secretValue"]!.GetValue<string>());

        var delete = await CliAsync(HttpMethod.Delete, "/api/v3/secrets/raw/CLI_KEY",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/", type = "shared" }, token);
        Expect.Ok(delete);
        var gone = await CliAsync(HttpMethod.Get, $"/api/v3/secrets/raw/CLI_KEY?environment=dev&workspaceId={p.Id}", null, token);
        Assert.Equal(404, gone.Code);
    }

    [Fact]
    public async Task Folders_use_the_legacy_directory_parameter()
    {
        var (p, token) = await LoggedInAsync();
        Expect.Ok(await CliAsync(HttpMethod.Post, "/api/v1/folders", new { workspaceId = p.Id, environment = "dev", name = "cli-folder", directory = "/" }, token));
        var list = await CliAsync(HttpMethod.Get, $"/api/v1/folders?environment=dev&workspaceId={p.Id}&directory=%2F", null, token);
        Expect.Ok(list);
        Assert.Equal(["cli-folder"], list.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Expect.Ok(await CliAsync(HttpMethod.Delete, "/api/v1/folders/cli-folder", new { workspaceId = p.Id, environment = "dev", directory = "/" }, token));
        var after = await CliAsync(HttpMethod.Get, $"/api/v1/folders?environment=dev&workspaceId={p.Id}&directory=%2F", null, token);
        Assert.Empty(after.Json["folders"]!.AsArray());
    }
}
