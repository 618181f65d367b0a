using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

public sealed class FolderTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] FolderKeys =
        ["id", "name", "version", "createdAt", "updatedAt", "envId", "parentId", "isReserved", "description", "lastSecretModified"];

    private Api Api => fx.Api;

    [Fact]
    public async Task V1_create_takes_workspaceId_and_returns_the_folder_row()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v1/folders", new { workspaceId = p.Id, environment = "dev", name = "app" }, fx.AdminToken);
        Expect.Ok(r);
        var folder = r.Json["folder"]!.AsObject();
        Expect.Keys(folder, FolderKeys);
        Assert.Equal("app", folder["name"]!.GetValue<string>());
        Assert.Equal(p.EnvironmentIds["dev"], folder["envId"]!.GetValue<string>());
        Assert.Equal(1, folder["version"]!.GetValue<int>());
        Assert.False(folder["isReserved"]!.GetValue<bool>());
        Assert.Null(folder["description"]);
        Assert.Matches(Expect.IsoMillis(), folder["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task V2_create_takes_projectId_creates_missing_parents_and_returns_the_path()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v2/folders",
            new { projectId = p.Id, environment = "dev", name = "leaf", path = "/a/b/", description = "deep" }, fx.AdminToken);
        Expect.Ok(r);
        var folder = r.Json["folder"]!.AsObject();
        Expect.Keys(folder, [.. FolderKeys, "path"]);
        Assert.Equal("/a/b/leaf", folder["path"]!.GetValue<string>());
        Assert.Equal("deep", folder["description"]!.GetValue<string>());

        var list = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev&path=/a", fx.AdminToken);
        Expect.Ok(list);
        Assert.Equal(["b"], list.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Creating_an_existing_folder_is_400()
    {
        var p = await fx.Given.TestProjectAsync();
        Expect.Ok(await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "dup" }, fx.AdminToken));
        var r = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "dup", path = "/" }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Folder with name 'dup' already exists in path '/'");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("")]
    public async Task Folder_names_allow_only_letters_digits_dash_and_underscore(string name)
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v1/folders", new { workspaceId = p.Id, environment = "dev", name }, fx.AdminToken);
        Expect.Validation(r, Issue.Custom(["name"], "Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed."));
    }

    [Fact]
    public async Task Create_requires_project_environment_and_name()
    {
        var r = await Api.PostAsync("/api/v2/folders", new { }, fx.AdminToken);
        Expect.Validation(r, Issue.Required(["projectId"], "string"), Issue.Required(["environment"], "string"), Issue.Required(["name"], "string"));
    }

    [Fact]
    public async Task Create_in_an_unknown_environment_is_404()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "nope", name = "x" }, fx.AdminToken);
        Expect.Error(r, 404, "NotFound", $"Environment with slug 'nope' in project with ID '{p.Id}' not found");
    }

    [Fact]
    public async Task Create_in_an_unknown_project_is_404()
    {
        var id = Guid.NewGuid().ToString();
        var r = await Api.PostAsync("/api/v2/folders", new { projectId = id, environment = "dev", name = "x" }, fx.AdminToken);
        Expect.Error(r, 404, "NotFound", $"Project with ID '{id}' not found");
    }

    [Fact]
    public async Task A_viewer_may_list_but_not_create_folders()
    {
        var p = await fx.Given.TestProjectAsync();
        var (_, token) = await fx.Given.ProjectMemberAsync(p.Id, "viewer");
        var r = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "x" }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to create on secret-folders", allowDetails: true);
        Expect.Ok(await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev", token));
    }

    [Fact]
    public async Task A_non_member_gets_403()
    {
        var p = await fx.Given.TestProjectAsync();
        var (_, token) = await fx.Given.IdentityWithTokenAsync();
        var r = await Api.GetAsync($"/api/v1/folders?workspaceId={p.Id}&environment=dev", token);
        Assert.Equal(403, r.Code);
        Assert.Equal("ProjectMembershipNotFound", r.Json["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_token_is_401()
    {
        var r = await Api.GetAsync("/api/v1/folders?workspaceId=x&environment=dev");
        Expect.Error(r, 401, "UnauthorizedError", "Token missing");
    }

    [Fact]
    public async Task List_recursive_returns_every_descendant_with_its_relative_path()
    {
        var p = await fx.Given.TestProjectAsync();
        Expect.Ok(await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "c", path = "/a/b" }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "z" }, fx.AdminToken));

        var r = await Api.GetAsync($"/api/v1/folders?workspaceId={p.Id}&environment=dev&path=/&recursive=true", fx.AdminToken);
        Expect.Ok(r);
        var folders = r.Json["folders"]!.AsArray();
        Assert.Equal(["/a", "/a/b", "/a/b/c", "/z"], folders.Select(f => f!["relativePath"]!.GetValue<string>()));
        Expect.Keys(folders[0]!.AsObject(), [.. FolderKeys, "relativePath"]);

        var flat = await Api.GetAsync($"/api/v1/folders?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal(["a", "z"], flat.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Expect.Keys(flat.Json["folders"]![0]!.AsObject(), FolderKeys);
    }

    [Fact]
    public async Task List_of_a_missing_path_is_empty_and_of_a_missing_environment_404()
    {
        var p = await fx.Given.TestProjectAsync();
        var empty = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev&path=/nope", fx.AdminToken);
        Expect.Ok(empty);
        Assert.Empty(empty.Json["folders"]!.AsArray());
        var r = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=nope", fx.AdminToken);
        Expect.Error(r, 404, "NotFound", "Environment with slug 'nope' not found");
    }

    [Fact]
    public async Task Get_by_id_adds_environment_path_and_project()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "staging", name = "svc", path = "/apps" }, fx.AdminToken);
        var id = created.Json["folder"]!["id"]!.GetValue<string>();
        var r = await Api.GetAsync($"/api/v2/folders/{id}", fx.AdminToken);
        Expect.Ok(r);
        var folder = r.Json["folder"]!.AsObject();
        Expect.Keys(folder, [.. FolderKeys, "environment", "path", "projectId"]);
        Assert.Equal("/apps/svc", folder["path"]!.GetValue<string>());
        Assert.Equal(p.Id, folder["projectId"]!.GetValue<string>());
        Expect.Keys(folder["environment"]!.AsObject(), "envId", "envName", "envSlug");
        Assert.Equal("staging", folder["environment"]!["envSlug"]!.GetValue<string>());
        Assert.Equal("Staging", folder["environment"]!["envName"]!.GetValue<string>());

        var missing = await Api.GetAsync($"/api/v1/folders/{Guid.NewGuid()}", fx.AdminToken);
        Assert.Equal(404, missing.Code);
    }

    [Fact]
    public async Task Update_renames_by_id_or_name_and_refuses_a_taken_name()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "old" }, fx.AdminToken);
        var id = created.Json["folder"]!["id"]!.GetValue<string>();
        Expect.Ok(await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "other" }, fx.AdminToken));

        var r = await Api.PatchAsync($"/api/v2/folders/{id}", new { projectId = p.Id, environment = "dev", name = "new", path = "/" }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["folder"]!.AsObject(), [.. FolderKeys, "path"]);
        Assert.Equal("/new", r.Json["folder"]!["path"]!.GetValue<string>());
        Assert.Equal(2, r.Json["folder"]!["version"]!.GetValue<int>());

        var byName = await Api.PatchAsync("/api/v1/folders/new", new { workspaceId = p.Id, environment = "dev", name = "newer" }, fx.AdminToken);
        Expect.Ok(byName);
        Expect.Keys(byName.Json["folder"]!.AsObject(), FolderKeys);

        var clash = await Api.PatchAsync($"/api/v2/folders/{id}", new { projectId = p.Id, environment = "dev", name = "other" }, fx.AdminToken);
        Expect.Error(clash, 400, "UpdateFolder", "Folder with specified name already exists");
        var missing = await Api.PatchAsync("/api/v2/folders/ghost", new { projectId = p.Id, environment = "dev", name = "x" }, fx.AdminToken);
        Expect.Error(missing, 404, "UpdateFolder", "Folder with ID 'ghost' not found");
        var badPath = await Api.PatchAsync($"/api/v2/folders/{id}", new { projectId = p.Id, environment = "dev", name = "x", path = "/nope" }, fx.AdminToken);
        Expect.Error(badPath, 404, "UpdateFolder", "Folder with path '/nope' in environment with slug 'dev' not found");
    }

    [Fact]
    public async Task Batch_update_renames_several_folders()
    {
        var p = await fx.Given.TestProjectAsync();
        var a = (await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "a1" }, fx.AdminToken)).Json["folder"]!["id"]!.GetValue<string>();
        var b = (await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "prod", name = "b1" }, fx.AdminToken)).Json["folder"]!["id"]!.GetValue<string>();
        var r = await Api.PatchAsync("/api/v2/folders/batch", new
        {
            projectId = p.Id,
            folders = new object[]
            {
                new { id = a, environment = "dev", name = "a2", path = "/" },
                new { id = b, environment = "prod", name = "b2", path = "/", description = "d" },
            },
        }, fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal(["a2", "b2"], r.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        var v1 = await Api.PatchAsync("/api/v1/folders/batch", new { projectSlug = p.Slug, folders = new[] { new { id = a, environment = "dev", name = "a3" } } },
            fx.AdminToken);
        Expect.Ok(v1);
        Assert.Equal("a3", v1.Json["folders"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_refuses_a_folder_with_content_unless_forced()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v2/folders", new { projectId = p.Id, environment = "dev", name = "child", path = "/parent" }, fx.AdminToken);
        Expect.Ok(created);

        var refused = await Api.DeleteAsync("/api/v2/folders/parent", fx.AdminToken, new { projectId = p.Id, environment = "dev", path = "/" });
        Expect.Error(refused, 400, "deleteFolder",
            "Cannot delete folder \"parent\" because it contains resources. Use forceDelete=true to delete it forcefully.");

        var forced = await Api.DeleteAsync("/api/v2/folders/parent", fx.AdminToken, new { projectId = p.Id, environment = "dev", path = "/", forceDelete = true });
        Expect.Ok(forced);
        Expect.Keys(forced.Json["folder"]!.AsObject(), FolderKeys);
        var list = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev&recursive=true", fx.AdminToken);
        Assert.Empty(list.Json["folders"]!.AsArray());
    }

    [Fact]
    public async Task Delete_by_id_with_the_v1_body()
    {
        var p = await fx.Given.TestProjectAsync();
        var id = (await Api.PostAsync("/api/v1/folders", new { workspaceId = p.Id, environment = "dev", name = "gone" }, fx.AdminToken)).Json["folder"]!["id"]!.GetValue<string>();
        var r = await Api.DeleteAsync($"/api/v1/folders/{id}", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", path = "/" });
        Expect.Ok(r);
        Assert.Equal(id, r.Json["folder"]!["id"]!.GetValue<string>());
        var again = await Api.DeleteAsync($"/api/v1/folders/{id}", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", path = "/" });
        Expect.Error(again, 404, "NotFound", $"Folder with ID '{id}' not found");
        var badEnv = await Api.DeleteAsync($"/api/v1/folders/{id}", fx.AdminToken, new { workspaceId = p.Id, environment = "nope" });
        Expect.Error(badEnv, 404, "NotFound", "Environment with slug 'nope' not found");
        var badPath = await Api.DeleteAsync($"/api/v1/folders/{id}", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", path = "/x" });
        Expect.Error(badPath, 404, "NotFound", "Folder with path '/x' in environment with slug 'dev' not found");
    }
}
