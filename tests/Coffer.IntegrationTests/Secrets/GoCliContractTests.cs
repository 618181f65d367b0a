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
