using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>Folders in the console: added (nested too), renamed (their secrets move along) and deleted with everything in them, refusals in the API's words.</summary>
public sealed class ConsoleFolderTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private string _admin = "";

    [Fact]
    public async Task Folders_are_added_nested_renamed_and_deleted_with_their_contents()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Folders");
        _admin = await OrgUsers.AdminUserTokenAsync(fx);
        var root = $"/projects/{projectId}/folders/dev";

        var added = await browser.SubmitAsync(root, "add-folder", ("Add.Name", "api"), ("Add.Description", "the API's settings"));
        Assert.Equal(HttpStatusCode.Found, added.Status);
        Assert.Equal(root, added.Location!.PathAndQuery);
        var nested = await browser.SubmitAsync(root + "?path=/api", "add-folder", ("Add.Name", "v2"));
        Assert.Equal(HttpStatusCode.Found, nested.Status);
        Assert.Equal(["api"], await FolderNamesAsync(projectId, "/"));
        Assert.Equal(["v2"], await FolderNamesAsync(projectId, "/api"));
        Assert.Contains("Add or delete folders", (await browser.GetAsync($"/projects/{projectId}/secrets/dev")).Html);
        Assert.Contains(">api/</a>", (await browser.GetAsync(root)).Html);

        // An environment the project lacks is the API's 404 on each per-environment page.
        foreach (var missingEnv in new[] { $"/projects/{projectId}/secrets/qa", $"/projects/{projectId}/imports/qa", $"/projects/{projectId}/folders/qa" })
        {
            var missingPage = await browser.GetAsync(missingEnv);
            Assert.Equal(HttpStatusCode.NotFound, missingPage.Status);
            Assert.Equal("Environment with slug 'qa' not found", missingPage.ErrorText);
        }

        var badName = await browser.SubmitAsync(root, "add-folder", ("Add.Name", "a b"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badName.Status);
        Assert.Equal("Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.", badName.ErrorText);
        Assert.Contains("value=\"a b\"", badName.Html);
        var duplicate = await browser.SubmitAsync(root, "add-folder", ("Add.Name", "api"));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("Folder with name 'api' already exists in path '/'", duplicate.ErrorText);

        await Secrets.SecretKeys.CreateAsync(fx.Api, _admin, projectId, "DEEP", "v", path: "/api/v2");
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(root, "add-folder", ("Add.Name", "other"))).Status);
        var clash = await browser.SubmitAsync(root, "rename-folder", ("Rename.Name", "api"), ("Rename.NewName", "other"));
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Equal("Folder with specified name already exists", clash.ErrorText);
        var badRename = await browser.SubmitAsync(root, "rename-folder", ("Rename.Name", "api"), ("Rename.NewName", "a/b"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badRename.Status);
        Assert.Equal("Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.", badRename.ErrorText);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(root, "rename-folder", ("Rename.Name", "api"), ("Rename.NewName", "service"))).Status);
        Assert.Equal(["other", "service"], await FolderNamesAsync(projectId, "/"));
        var moved = await fx.Api.GetAsync($"/api/v3/secrets/raw/DEEP?workspaceId={projectId}&environment=dev&secretPath=/service/v2", _admin);
        Expect.Ok(moved);

        var unconfirmed = await browser.SubmitAsync(root, "delete-folder", ("Remove.Name", "service"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.Status);
        Assert.Equal("Tick the box to confirm the deletion.", unconfirmed.ErrorText);
        Assert.Equal(["other", "service"], await FolderNamesAsync(projectId, "/"));

        var deleted = await browser.SubmitAsync(root, "delete-folder", ("Remove.Name", "service"), ("Remove.Confirmed", "True"));
        Assert.Equal(HttpStatusCode.Found, deleted.Status);
        Assert.Equal(["other"], await FolderNamesAsync(projectId, "/"));
        var secrets = await fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&recursive=true", _admin);
        Expect.Ok(secrets);
        Assert.Empty(secrets.Json["secrets"]!.AsArray());
        var missing = await browser.SubmitAsync(root, "delete-folder", ("Remove.Name", "service"), ("Remove.Confirmed", "True"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("Folder with ID 'service' not found", missing.ErrorText);
    }

    private async Task<string[]> FolderNamesAsync(string projectId, string path)
    {
        var r = await fx.Api.GetAsync($"/api/v1/folders?workspaceId={projectId}&environment=dev&path={Uri.EscapeDataString(path)}", _admin);
        Expect.Ok(r);
        return [.. r.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }
}
