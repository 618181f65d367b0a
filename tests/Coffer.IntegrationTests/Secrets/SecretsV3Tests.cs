using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>The v3 raw API (<c>/api/v3/secrets/raw</c>) the SDK and the CLI call.</summary>
public sealed class SecretsV3Tests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Create_returns_the_raw_secret_at_version_1()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v3/secrets/raw/DB_URL",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/", secretValue = "  postgres://db  ", secretComment = " main db ", type = "shared" },
            fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "secret");
        var s = r.Json["secret"]!.AsObject();
        Expect.Keys(s, SecretKeys.Raw);
        Assert.Equal("DB_URL", s["secretKey"]!.GetValue<string>());
        Assert.Equal("postgres://db", s["secretValue"]!.GetValue<string>());
        Assert.Equal("main db", s["secretComment"]!.GetValue<string>());
        Assert.Equal(1, s["version"]!.GetValue<int>());
        Assert.Equal("shared", s["type"]!.GetValue<string>());
        Assert.Equal(p.Id, s["workspace"]!.GetValue<string>());
        Assert.Equal("dev", s["environment"]!.GetValue<string>());
        Assert.Equal(s["id"]!.GetValue<string>(), s["_id"]!.GetValue<string>());
        Assert.False(s["skipMultilineEncoding"]!.GetValue<bool>());
        Assert.Null(s["secretReminderNote"]);
        Assert.Null(s["secretReminderRepeatDays"]);
        Assert.Matches(Expect.IsoMillis(), s["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Values_keep_exactly_one_trailing_newline_like_a_pem_file()
    {
        var p = await fx.Given.TestProjectAsync();
        const string pem = "-----BEGIN KEY-----\nabc\n-----END KEY-----\n";
        var created = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PEM", "\n" + pem + "\n");
        Assert.Equal(pem, created["secretValue"]!.GetValue<string>());
        var got = await Api.GetAsync($"/api/v3/secrets/raw/PEM?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal(pem, got.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_by_name_ignores_the_SDK_extra_query_keys()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "API_KEY", "k1", comment: "c");
        var r = await Api.GetAsync(
            $"/api/v3/secrets/raw/API_KEY?secretName=API_KEY&workspaceId={p.Id}&environment=dev&expandSecretReferences=true&includeImports=false&secretPath=%2F&type=shared&viewSecretValue=true&unknown=1",
            fx.AdminToken);
        Expect.Ok(r);
        var s = r.Json["secret"]!.AsObject();
        Expect.Keys(s, SecretKeys.FetchedV3);
        Assert.Equal("k1", s["secretValue"]!.GetValue<string>());
        Assert.Equal("c", s["secretComment"]!.GetValue<string>());
        Assert.False(s["secretValueHidden"]!.GetValue<bool>());
        Assert.Empty(s["tags"]!.AsArray());
        Assert.Empty(s["secretMetadata"]!.AsArray());
    }

    [Fact]
    public async Task List_returns_secrets_and_an_imports_array()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "A", "1");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "b-lower", "2");
        var list = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/");
        Expect.Keys(list, "secrets", "imports");
        Assert.Empty(list["imports"]!.AsArray());
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["b-lower"] = "2" }, SecretKeys.Values(list));
        var first = list["secrets"]![0]!.AsObject();
        Expect.Keys(first, SecretKeys.Listed);
        Assert.Equal("/", first["secretPath"]!.GetValue<string>());
        Assert.False(first["secretValueHidden"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Update_makes_a_new_version_and_old_versions_stay_readable()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "TOKEN", "v1", comment: "first");
        var r = await Api.PatchAsync("/api/v3/secrets/raw/TOKEN", new { workspaceId = p.Id, environment = "dev", secretValue = "v2" }, fx.AdminToken);
        Expect.Ok(r);
        var s = r.Json["secret"]!.AsObject();
        Expect.Keys(s, SecretKeys.Changed);
        Assert.Equal(2, s["version"]!.GetValue<int>());
        Assert.Equal("v2", s["secretValue"]!.GetValue<string>());
        Assert.Equal("first", s["secretComment"]!.GetValue<string>());

        Expect.Ok(await Api.PatchAsync("/api/v3/secrets/raw/TOKEN", new { workspaceId = p.Id, environment = "dev", secretComment = "third" }, fx.AdminToken));

        var v1 = await Api.GetAsync($"/api/v3/secrets/raw/TOKEN?workspaceId={p.Id}&environment=dev&version=1", fx.AdminToken);
        Expect.Ok(v1);
        Assert.Equal("v1", v1.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal(1, v1.Json["secret"]!["version"]!.GetValue<int>());
        var v3 = await Api.GetAsync($"/api/v3/secrets/raw/TOKEN?workspaceId={p.Id}&environment=dev&version=3", fx.AdminToken);
        Assert.Equal("v2", v3.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal("third", v3.Json["secret"]!["secretComment"]!.GetValue<string>());
        var current = await Api.GetAsync($"/api/v3/secrets/raw/TOKEN?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal(3, current.Json["secret"]!["version"]!.GetValue<int>());
        var none = await Api.GetAsync($"/api/v3/secrets/raw/TOKEN?workspaceId={p.Id}&environment=dev&version=9", fx.AdminToken);
        Expect.Error(none, 404, "NotFound", "Secret with name 'TOKEN' not found");
    }

    [Fact]
    public async Task Rename_moves_the_secret_to_its_new_name()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "OLD_NAME", "x");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "TAKEN", "y");
        var clash = await Api.PatchAsync("/api/v3/secrets/raw/OLD_NAME", new { workspaceId = p.Id, environment = "dev", newSecretName = "TAKEN" }, fx.AdminToken);
        Expect.Error(clash, 400, "BadRequest", "Secret with the new name already exists");

        var r = await Api.PatchAsync("/api/v3/secrets/raw/OLD_NAME", new { workspaceId = p.Id, environment = "dev", newSecretName = "NEW_NAME" }, fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal("NEW_NAME", r.Json["secret"]!["secretKey"]!.GetValue<string>());
        Assert.Equal("x", r.Json["secret"]!["secretValue"]!.GetValue<string>());
        var old = await Api.GetAsync($"/api/v3/secrets/raw/OLD_NAME?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Error(old, 404, "NotFound", "Secret with name 'OLD_NAME' not found");
    }

    [Fact]
    public async Task Delete_reads_a_JSON_body_and_returns_the_deleted_secret()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "GONE", "bye");
        var r = await Api.DeleteAsync("/api/v3/secrets/raw/GONE", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", secretPath = "/", type = "shared" });
        Expect.Ok(r);
        var s = r.Json["secret"]!.AsObject();
        Expect.Keys(s, SecretKeys.Changed);
        Assert.Equal("bye", s["secretValue"]!.GetValue<string>());
        Assert.Empty((await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id))["secrets"]!.AsArray());
        var again = await Api.DeleteAsync("/api/v3/secrets/raw/GONE", fx.AdminToken, new { workspaceId = p.Id, environment = "dev" });
        Expect.Error(again, 404, "NotFound", "Secret not found");
    }

    [Fact]
    public async Task Nested_folders_hold_their_own_secrets_and_recursive_lists_them_all()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/nested1");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/nested1/nested2");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "TOP", "t");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DEEP", "d", path: "/nested1/nested2");

        var folderOnly = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/nested1/nested2/");
        Assert.Equal(["DEEP"], SecretKeys.Values(folderOnly).Keys);
        Assert.Equal("/nested1/nested2", folderOnly["secrets"]![0]!["secretPath"]!.GetValue<string>());

        var all = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&recursive=true");
        Assert.Equal(new Dictionary<string, string> { ["TOP"] = "t", ["DEEP"] = "d" }, SecretKeys.Values(all));
        var below = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&recursive=true&secretPath=/nested1");
        Assert.Equal(["DEEP"], SecretKeys.Values(below).Keys);
    }

    [Fact]
    public async Task Creating_a_secret_twice_is_400()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "ONCE", "1");
        var r = await Api.PostAsync("/api/v3/secrets/raw/ONCE", new { workspaceId = p.Id, environment = "dev", secretValue = "2" }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Secret already exists");
    }

    [Fact]
    public async Task Writes_into_a_missing_folder_are_404_named_after_the_operation()
    {
        var p = await fx.Given.TestProjectAsync();
        var create = await Api.PostAsync("/api/v3/secrets/raw/X", new { workspaceId = p.Id, environment = "dev", secretPath = "/nope", secretValue = "1" }, fx.AdminToken);
        Expect.Error(create, 404, "CreateSecret", "Folder with path '/nope' in environment with slug 'dev' not found");
        var update = await Api.PatchAsync("/api/v3/secrets/raw/X", new { workspaceId = p.Id, environment = "prod", secretPath = "/nope", secretValue = "1" }, fx.AdminToken);
        Expect.Error(update, 404, "UpdateSecret", "Folder with path '/nope' in environment with slug 'prod' not found");
        var delete = await Api.DeleteAsync("/api/v3/secrets/raw/X", fx.AdminToken, new { workspaceId = p.Id, environment = "nope" });
        Expect.Error(delete, 404, "DeleteSecret", "Folder with path '/' in environment with slug 'nope' not found");
        var get = await Api.GetAsync($"/api/v3/secrets/raw/X?workspaceId={p.Id}&environment=dev&secretPath=/nope", fx.AdminToken);
        Expect.Error(get, 404, "GetSecretByName", "Folder with path '/nope' in environment with slug 'dev' not found");
    }

    [Fact]
    public async Task Updating_or_getting_a_missing_secret_is_404()
    {
        var p = await fx.Given.TestProjectAsync();
        var update = await Api.PatchAsync("/api/v3/secrets/raw/MISSING", new { workspaceId = p.Id, environment = "dev", secretValue = "1" }, fx.AdminToken);
        Expect.Error(update, 404, "NotFound", "Secret with name MISSING not found");
        var get = await Api.GetAsync($"/api/v3/secrets/raw/MISSING?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Error(get, 404, "NotFound", "Secret with name 'MISSING' not found");
    }

    [Fact]
    public async Task Listing_a_missing_path_is_SecretPathNotFound()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&secretPath=/missing", fx.AdminToken);
        Expect.Error(r, 404, "SecretPathNotFound",
            "Folder with path '/missing' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct.");
        var env = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=qa", fx.AdminToken);
        Expect.Error(env, 404, "SecretPathNotFound",
            "Folder with path '/' in environment 'qa' was not found. Please ensure the environment slug and secret path is correct.");
        var recursive = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=qa&recursive=true", fx.AdminToken);
        Expect.Error(recursive, 404, "NotFound", $"Environment with slug 'qa' in project with ID {p.Id} not found");
    }

    [Fact]
    public async Task Missing_project_or_environment_are_400()
    {
        var p = await fx.Given.TestProjectAsync();
        Expect.Error(await Api.GetAsync("/api/v3/secrets/raw?environment=dev", fx.AdminToken), 400, "BadRequest", "You must provide projectSlug or workspaceId");
        Expect.Error(await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}", fx.AdminToken), 400, "BadRequest", "Missing workspace id or environment");
        Expect.Error(await Api.GetAsync($"/api/v3/secrets/raw/X?workspaceId={p.Id}", fx.AdminToken), 400, "BadRequest", "Missing environment");
        Expect.Error(await Api.GetAsync("/api/v3/secrets/raw/X?environment=dev", fx.AdminToken), 400, "BadRequest", "You must provide projectSlug or workspaceId");
        var create = await Api.PostAsync("/api/v3/secrets/raw/X", new { environment = "dev", secretValue = "1" }, fx.AdminToken);
        Expect.Error(create, 400, "BadRequest", "You must provide projectSlug or workspaceId");
    }

    [Fact]
    public async Task A_project_slug_works_where_the_id_is_missing()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v3/secrets/raw/BY_SLUG", new { projectSlug = p.Slug, environment = "dev", secretValue = "s" }, fx.AdminToken);
        Expect.Ok(created);
        var list = await Api.GetAsync($"/api/v3/secrets/raw?workspaceSlug={p.Slug}&environment=dev", fx.AdminToken);
        Assert.Equal(["BY_SLUG"], SecretKeys.Values(list.Json).Keys);
        var unknown = await Api.GetAsync("/api/v3/secrets/raw?workspaceSlug=no-such-slug&environment=dev", fx.AdminToken);
        Expect.Error(unknown, 404, "NotFound", "Project with slug 'no-such-slug' not found");
    }

    [Fact]
    public async Task Boolean_flags_accept_only_true_or_false()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&recursive=yes", fx.AdminToken);
        Expect.Validation(r, Issue.Enum(["recursive"], "yes", "true", "false"));
        var camel = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&include_imports=1", fx.AdminToken);
        Expect.Validation(camel, Issue.Enum(["include_imports"], "1", "true", "false"));
    }

    [Fact]
    public async Task Secret_names_may_not_contain_colons_or_slashes()
    {
        var p = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync("/api/v3/secrets/raw/A:B", new { workspaceId = p.Id, environment = "dev", secretValue = "1" }, fx.AdminToken);
        Expect.Validation(r, Issue.Custom(["secretName"], "Secret name cannot contain colon or forward slash."));
        var rename = await Api.PatchAsync("/api/v3/secrets/raw/A", new { workspaceId = p.Id, environment = "dev", newSecretName = "a/b" }, fx.AdminToken);
        Expect.Validation(rename, Issue.Custom(["newSecretName"], "Secret name cannot contain colon or forward slash."));
    }

    [Fact]
    public async Task Create_validates_its_body()
    {
        var r = await Api.PostAsync("/api/v3/secrets/raw/X", new { workspaceId = "p", secretValue = 5, type = "global" }, fx.AdminToken);
        Expect.Validation(r,
            Issue.Required(["environment"], "string"),
            Issue.WrongType(["secretValue"], "string", "number"),
            Issue.Enum(["type"], "global", "shared", "personal"));
        var empty = await Api.PostAsync("/api/v3/secrets/raw/X", null, fx.AdminToken);
        Expect.Validation(empty, new JsonObject
        {
            ["code"] = "invalid_type",
            ["expected"] = "object",
            ["received"] = "undefined",
            ["path"] = new JsonArray(),
            ["message"] = "Required",
        });
    }

    [Fact]
    public async Task Personal_secrets_need_a_user()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SHARED", "s");
        var r = await Api.PostAsync("/api/v3/secrets/raw/SHARED", new { workspaceId = p.Id, environment = "dev", secretValue = "mine", type = "personal" }, fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Must be user to create personal secret");
        var update = await Api.PatchAsync("/api/v3/secrets/raw/SHARED", new { workspaceId = p.Id, environment = "dev", secretValue = "x", type = "personal" }, fx.AdminToken);
        Expect.Error(update, 400, "BadRequest", "Must be user to create personal secret");
        var delete = await Api.DeleteAsync("/api/v3/secrets/raw/SHARED", fx.AdminToken, new { workspaceId = p.Id, environment = "dev", type = "personal" });
        Expect.Error(delete, 400, "BadRequest", "Must be user to delete personal secret");
    }

    [Fact]
    public async Task Get_by_id_returns_the_secret_with_its_path()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/svc");
        var created = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "BY_ID", "v", path: "/svc");
        var id = created["id"]!.GetValue<string>();
        var r = await Api.GetAsync($"/api/v3/secrets/raw/id/{id}", fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["secret"]!.AsObject(), SecretKeys.ById);
        Assert.Equal("/svc", r.Json["secret"]!["secretPath"]!.GetValue<string>());
        Assert.Equal("v", r.Json["secret"]!["secretValue"]!.GetValue<string>());
        var missing = await Api.GetAsync($"/api/v3/secrets/raw/id/{Guid.NewGuid()}", fx.AdminToken);
        Assert.Equal(404, missing.Code);
        Assert.Equal("GetSecretById", missing.Json["error"]!.GetValue<string>());
    }
}
