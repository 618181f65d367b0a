using System.Net;
using System.Text.RegularExpressions;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>
/// A project viewer in the console: the pages leave out what they may not do, and a crafted post of each form is refused
/// by the service with the API's own answer to the same request (compared with the viewer's API call), changing nothing.
/// </summary>
public sealed partial class ConsoleAuthorizationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Password = "viewer password long enough";

    [Fact]
    public async Task A_viewer_sees_no_edit_controls_and_crafted_posts_get_the_apis_refusal()
    {
        var project = await fx.Given.TestProjectAsync();
        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/DB_URL",
            new { workspaceId = project.Id, environment = "dev", secretValue = "postgres://db" }, fx.AdminToken));
        var member = await fx.Given.IdentityAsync();
        Expect.Ok(await fx.Api.PostAsync($"/api/v1/projects/{project.Id}/identity-memberships/{member}", new { role = "viewer" }, fx.AdminToken));
        var (_, email, session) = await OrgUsers.SignUpAsync(fx, "viewer", Password);
        Expect.Ok(await fx.Api.PostAsync($"/api/v2/workspace/{project.Id}/memberships", new { emails = new[] { email }, roleSlugs = new[] { "viewer" } },
            fx.AdminToken));
        var viewerToken = await OrgUsers.OrgTokenAsync(fx, session);

        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync(email, Password);
        var overview = $"/projects/{project.Id}";
        var folder = $"/projects/{project.Id}/secrets/dev";
        var editor = $"/projects/{project.Id}/secrets/dev/DB_URL";
        var access = $"/projects/{project.Id}/access";
        var folders = $"/projects/{project.Id}/folders/dev";
        await Secrets.SecretKeys.FolderAsync(fx.Api, fx.AdminToken, project.Id, "/kept");
        var importsPage = $"/projects/{project.Id}/imports/dev";
        var import = await fx.Api.PostAsync("/api/v1/secret-imports",
            new { workspaceId = project.Id, environment = "dev", path = "/", import = new { environment = "prod", path = "/" } }, fx.AdminToken);
        Expect.Ok(import);
        var importId = import.Json["secretImport"]!["id"]!.GetValue<string>();
        var keysPage = $"/projects/{project.Id}/keys";
        var kmsKey = await fx.Api.PostAsync("/api/v1/kms/keys", new { projectId = project.Id, name = "kept" }, fx.AdminToken);
        Expect.Ok(kmsKey);
        var kmsKeyId = kmsKey.Json["key"]!["id"]!.GetValue<string>();
        var tagsPage = $"/projects/{project.Id}/tags";
        var tag = await fx.Api.PostAsync($"/api/v1/workspace/{project.Id}/tags", new { slug = "kept", color = "#000000" }, fx.AdminToken);
        Expect.Ok(tag);
        var tagId = tag.Json["tag"]!["id"]!.GetValue<string>();

        // What a viewer sees: values they may read, and no control that would change anything.
        var pages = new Dictionary<string, ConsolePage>();
        foreach (var path in new[] { overview, folder, editor, access, folders, tagsPage, importsPage, keysPage })
        {
            pages[path] = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, pages[path].Status);
            Assert.DoesNotMatch(FormPost(), pages[path].Html.Replace("action=\"/signout\"", "", StringComparison.Ordinal));
        }
        Assert.Contains("Reveal DB_URL in Development", pages[overview].Html);
        Assert.Contains("<pre class=\"mono\" id=\"secret-value\">postgres://db</pre>", pages[editor].Html);
        Assert.Contains("Viewer", pages[access].Html);
        var before = await fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={project.Id}&environment=dev", fx.AdminToken);
        var membersBefore = await fx.Api.GetAsync($"/api/v1/projects/{project.Id}/identity-memberships", fx.AdminToken);

        // Each crafted post gets the status and message the API gives the same person for the same change.
        var token = pages[overview].AntiforgeryToken!;
        await AssertRefusedLikeApiAsync(browser, overview, token, [new("_handler", "add-key"), new("Input.Key", "FORGED")],
            await fx.Api.PostAsync("/api/v3/secrets/raw/FORGED", new { workspaceId = project.Id, environment = "dev", secretValue = "" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, folder, token, [new("_handler", "create-secret"), new("Create.Key", "FORGED"), new("Create.Value", "x")],
            await fx.Api.PostAsync("/api/v3/secrets/raw/FORGED", new { workspaceId = project.Id, environment = "dev", secretValue = "x" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, editor, token, [new("_handler", "edit-secret"), new("Edit.Value", "changed"), new("Edit.Name", "DB_URL")],
            await fx.Api.PatchAsync("/api/v3/secrets/raw/DB_URL", new { workspaceId = project.Id, environment = "dev", secretValue = "changed" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, editor, token, [new("_handler", "delete-secret"), new("Delete.Confirmed", "True")],
            await fx.Api.DeleteAsync("/api/v3/secrets/raw/DB_URL", viewerToken, new { workspaceId = project.Id, environment = "dev" }));
        await AssertRefusedLikeApiAsync(browser, access, token, [new("_handler", $"remove-{member}"), new("confirm", "yes")],
            await fx.Api.DeleteAsync($"/api/v1/projects/{project.Id}/identity-memberships/{member}", viewerToken));
        await AssertRefusedLikeApiAsync(browser, access, token, [new("_handler", $"role-{member}"), new("role", "admin")],
            await fx.Api.PatchAsync($"/api/v1/projects/{project.Id}/identity-memberships/{member}", new { roles = new[] { new { role = "admin" } } }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, folders, token, [new("_handler", "add-folder"), new("Add.Name", "forged")],
            await fx.Api.PostAsync("/api/v1/folders", new { workspaceId = project.Id, environment = "dev", name = "forged", path = "/" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, folders, token, [new("_handler", "delete-folder"), new("Remove.Name", "kept"), new("Remove.Confirmed", "True")],
            await fx.Api.DeleteAsync("/api/v1/folders/kept", viewerToken, new { workspaceId = project.Id, environment = "dev", path = "/" }));
        await AssertRefusedLikeApiAsync(browser, tagsPage, token, [new("_handler", "add-tag"), new("NewTag.Slug", "forged")],
            await fx.Api.PostAsync($"/api/v1/workspace/{project.Id}/tags", new { slug = "forged", color = "" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, tagsPage, token, [new("_handler", $"delete-{tagId}")],
            await fx.Api.DeleteAsync($"/api/v1/workspace/{project.Id}/tags/{tagId}", viewerToken));
        await AssertRefusedLikeApiAsync(browser, importsPage, token, [new("_handler", "add-import"), new("Add.Environment", "staging"), new("Add.Path", "/")],
            await fx.Api.PostAsync("/api/v1/secret-imports",
                new { workspaceId = project.Id, environment = "dev", path = "/", import = new { environment = "staging", path = "/" } }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, importsPage, token, [new("_handler", $"delete-{importId}")],
            await fx.Api.DeleteAsync($"/api/v1/secret-imports/{importId}", viewerToken, new { workspaceId = project.Id, environment = "dev", path = "/" }));
        var importsAfter = await fx.Api.GetAsync($"/api/v1/secret-imports?workspaceId={project.Id}&environment=dev&path=/", fx.AdminToken);
        Assert.Equal([importId], importsAfter.Json["secretImports"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        await AssertRefusedLikeApiAsync(browser, keysPage, token, [new("_handler", "create-key"), new("NewKey.Name", "forged")],
            await fx.Api.PostAsync("/api/v1/kms/keys", new { projectId = project.Id, name = "forged" }, viewerToken));
        await AssertRefusedLikeApiAsync(browser, keysPage, token, [new("_handler", $"delete-{kmsKeyId}")],
            await fx.Api.DeleteAsync($"/api/v1/kms/keys/{kmsKeyId}", viewerToken));
        await AssertRefusedLikeApiAsync(browser, keysPage, token, [new("_handler", $"toggle-{kmsKeyId}")],
            await fx.Api.PatchAsync($"/api/v1/kms/keys/{kmsKeyId}", new { isDisabled = true }, viewerToken));
        var keysAfter = await fx.Api.GetAsync($"/api/v1/kms/keys/{kmsKeyId}", fx.AdminToken);
        Assert.False(keysAfter.Json["key"]!["isDisabled"]!.GetValue<bool>());
        await AssertRefusedLikeApiAsync(browser, tagsPage, token, [new("_handler", "edit-tag"), new("Edit.Id", tagId), new("Edit.Slug", "renamed")],
            await fx.Api.PatchAsync($"/api/v1/workspace/{project.Id}/tags/{tagId}", new { slug = "renamed", color = "#000000" }, viewerToken));
        var tagsAfter = await fx.Api.GetAsync($"/api/v1/workspace/{project.Id}/tags", fx.AdminToken);
        Assert.Equal(["kept"], tagsAfter.Json["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        await AssertRefusedLikeApiAsync(browser, folders, token, [new("_handler", "rename-folder"), new("Rename.Name", "kept"), new("Rename.NewName", "renamed")],
            await fx.Api.PatchAsync("/api/v1/folders/kept", new { workspaceId = project.Id, environment = "dev", name = "renamed", path = "/" }, viewerToken));
        var foldersAfter = await fx.Api.GetAsync($"/api/v1/folders?workspaceId={project.Id}&environment=dev", fx.AdminToken);
        Assert.Equal(["kept"], foldersAfter.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));

        Assert.Equal(before.Json.ToJsonString(), (await fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={project.Id}&environment=dev", fx.AdminToken)).Json.ToJsonString());
        Assert.Equal(membersBefore.Json.ToJsonString(), (await fx.Api.GetAsync($"/api/v1/projects/{project.Id}/identity-memberships", fx.AdminToken)).Json.ToJsonString());
    }

    private async Task AssertRefusedLikeApiAsync(ConsoleClient browser, string path, string token, KeyValuePair<string, string>[] fields, ApiResponse api)
    {
        Assert.Equal(403, api.Code);
        var page = await browser.PostAsync(path, [new("__RequestVerificationToken", token), .. fields]);
        // A failure names the form and carries the server's own account of any fault.
        Assert.True(page.Status == HttpStatusCode.Forbidden, $"{fields[0].Value} on {path}: {(int)page.Status}\n" +
            string.Join('\n', fx.Server.Logs.Lines.Where(l => l.Contains("Unhandled", StringComparison.Ordinal)).TakeLast(3)));
        Assert.Equal(api.Json["message"]!.GetValue<string>(), page.ErrorText);
    }

    /// <summary>A form that posts (the sign-out form in the header aside).</summary>
    [GeneratedRegex("<form method=\"post\"")]
    private static partial Regex FormPost();
}
