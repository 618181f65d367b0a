using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>Secret imports in the console: a folder of another environment imported and removed; refusals as the API words them (a cycle, an unknown environment).</summary>
public sealed class ConsoleImportTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_folder_is_imported_its_secrets_arrive_and_refusals_match_the_api()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Imports");
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        await Secrets.SecretKeys.FolderAsync(fx.Api, admin, projectId, "/shared", environment: "prod");
        await Secrets.SecretKeys.CreateAsync(fx.Api, admin, projectId, "DB_HOST", "db.internal", path: "/shared", environment: "prod");
        var page = $"/projects/{projectId}/imports/dev";
        Assert.Contains(page, (await browser.GetAsync($"/projects/{projectId}/secrets/dev")).Html);

        var added = await browser.SubmitAsync(page, "add-import", ("Add.Environment", "prod"), ("Add.Path", " /shared/ "));
        Assert.Equal(HttpStatusCode.Found, added.Status);
        Assert.Equal(page, added.Location!.PathAndQuery);
        var list = await fx.Api.GetAsync($"/api/v1/secret-imports?workspaceId={projectId}&environment=dev&path=/", admin);
        Expect.Ok(list);
        var import = Assert.Single(list.Json["secretImports"]!.AsArray())!;
        Assert.Equal("/shared", import["importPath"]!.GetValue<string>());
        Assert.Equal("prod", import["importEnv"]!["slug"]!.GetValue<string>());
        var secrets = await fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&include_imports=true", admin);
        Assert.Equal("DB_HOST", secrets.Json["imports"]![0]!["secrets"]![0]!["secretKey"]!.GetValue<string>());
        Assert.Contains(">/shared</a>", (await browser.GetAsync(page)).Html);

        // What the API refuses, the page refuses with the same status and words: a cycle, an environment the project lacks.
        foreach (var (into, intoPath, env, path) in new[] { ("prod", "/shared", "dev", "/"), ("dev", "/", "qa", "/") })
        {
            var api = await fx.Api.PostAsync("/api/v1/secret-imports",
                new { workspaceId = projectId, environment = into, path = intoPath, import = new { environment = env, path } }, admin);
            Assert.InRange(api.Code, 400, 499);
            var intoPage = $"/projects/{projectId}/imports/{into}" + (intoPath == "/" ? "" : "?path=" + Uri.EscapeDataString(intoPath));
            var refused = await browser.SubmitAsync(intoPage, "add-import", ("Add.Environment", env), ("Add.Path", path));
            Assert.Equal(api.Code, (int)refused.Status);
            Assert.Equal(api.Json["message"]!.GetValue<string>(), refused.ErrorText);
        }
        Assert.Single((await fx.Api.GetAsync($"/api/v1/secret-imports?workspaceId={projectId}&environment=dev&path=/", admin)).Json["secretImports"]!.AsArray());

        var importId = import["id"]!.GetValue<string>();
        var removed = await browser.SubmitAsync(page, $"delete-{importId}");
        Assert.Equal(HttpStatusCode.Found, removed.Status);
        Assert.Empty((await fx.Api.GetAsync($"/api/v1/secret-imports?workspaceId={projectId}&environment=dev&path=/", admin)).Json["secretImports"]!.AsArray());
    }
}
