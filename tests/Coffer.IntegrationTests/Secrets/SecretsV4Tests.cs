using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>The v4 API (<c>/api/v4/secrets</c>): <c>projectId</c>, batch with upsert, by id, move.</summary>
public sealed class SecretsV4Tests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Single_secret_round_trip_with_projectId()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v4/secrets/V4_KEY",
            new { projectId = p.Id, environment = "dev", secretValue = "one", secretComment = "c", skipMultilineEncoding = (bool?)null }, fx.AdminToken);
        Expect.Ok(created);
        Expect.Keys(created.Json["secret"]!.AsObject(), SecretKeys.Raw);

        var got = await Api.GetAsync($"/api/v4/secrets/V4_KEY?projectId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(got);
        Expect.Keys(got.Json["secret"]!.AsObject(), SecretKeys.Listed);
        Assert.Equal("/", got.Json["secret"]!["secretPath"]!.GetValue<string>());

        var updated = await Api.PatchAsync("/api/v4/secrets/V4_KEY", new { projectId = p.Id, environment = "dev", secretValue = "two" }, fx.AdminToken);
        Expect.Ok(updated);
        Expect.Keys(updated.Json["secret"]!.AsObject(), SecretKeys.Changed);

        var list = await Api.GetAsync($"/api/v4/secrets?projectId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(list);
        Assert.Equal("two", SecretKeys.Values(list.Json)["V4_KEY"]);

        var deleted = await Api.DeleteAsync("/api/v4/secrets/V4_KEY", fx.AdminToken, new { projectId = p.Id, environment = "dev" });
        Expect.Ok(deleted);
        Expect.Keys(deleted.Json["secret"]!.AsObject(), SecretKeys.Changed);
    }

    [Fact]
    public async Task V4_errors_name_the_project_id()
    {
        var p = await fx.Given.TestProjectAsync();
        Expect.Error(await Api.GetAsync("/api/v4/secrets?environment=dev", fx.AdminToken), 400, "BadRequest", "Missing project id or environment");
        Expect.Error(await Api.GetAsync($"/api/v4/secrets?projectId={p.Id}", fx.AdminToken), 400, "BadRequest", "Missing project id or environment");
        Expect.Validation(await Api.GetAsync("/api/v4/secrets/X?environment=dev", fx.AdminToken), Issue.Required(["projectId"], "string"));
        Expect.Error(await Api.GetAsync($"/api/v4/secrets/X?projectId={p.Id}", fx.AdminToken), 400, "BadRequest", "Missing environment");
        Expect.Validation(await Api.PostAsync("/api/v4/secrets/X", new { environment = "dev", secretValue = "1" }, fx.AdminToken),
            Issue.Required(["projectId"], "string"));
    }

    [Fact]
    public async Task Batch_create_update_with_upsert_and_delete()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync("/api/v4/secrets/batch", new
        {
            projectId = p.Id,
            environment = "dev",
            secretPath = "/",
            secrets = new[] { new { secretKey = "B1", secretValue = "1", secretComment = "c1" }, new { secretKey = "B2", secretValue = "2", secretComment = "" } },
        }, fx.AdminToken);
        Expect.Ok(created);
        Expect.Keys(created.Json, "secrets");
        Assert.Equal(["B1", "B2"], created.Json["secrets"]!.AsArray().Select(s => s!["secretKey"]!.GetValue<string>()));
        Expect.Keys(created.Json["secrets"]![0]!.AsObject(), SecretKeys.Raw);

        var again = await Api.PostAsync("/api/v4/secrets/batch", new
        {
            projectId = p.Id,
            environment = "dev",
            secrets = new[] { new { secretKey = "B2", secretValue = "x" }, new { secretKey = "B3", secretValue = "y" } },
        }, fx.AdminToken);
        Expect.Error(again, 400, "BadRequest", "Secret already exists: B2");

        var failing = await Api.PatchAsync("/api/v4/secrets/batch", new
        {
            projectId = p.Id,
            environment = "dev",
            secrets = new[] { new { secretKey = "B1", secretValue = "1b" }, new { secretKey = "NEW", secretValue = "n" } },
        }, fx.AdminToken);
        Expect.Error(failing, 404, "NotFound", "Secret does not exist: NEW in path /");

        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/other");
        var upsert = await Api.PatchAsync("/api/v4/secrets/batch", new
        {
            projectId = p.Id,
            environment = "dev",
            mode = "upsert",
            secrets = new object[]
            {
                new { secretKey = "B1", secretValue = "1b" },
                new { secretKey = "NEW", secretValue = "n" },
                new { secretKey = "ELSEWHERE", secretValue = "e", secretPath = "/other" },
            },
        }, fx.AdminToken);
        Expect.Ok(upsert);
        var items = upsert.Json["secrets"]!.AsArray();
        Expect.Keys(items[0]!.AsObject(), SecretKeys.Changed);
        Assert.Equal(["B1:2", "NEW:1", "ELSEWHERE:1"], items.Select(s => $"{s!["secretKey"]}:{s["version"]}"));
        Assert.Equal("e", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/other"))["ELSEWHERE"]);

        var deleted = await Api.DeleteAsync("/api/v4/secrets/batch", fx.AdminToken, new
        {
            projectId = p.Id,
            environment = "dev",
            secrets = new[] { new { secretKey = "B1" }, new { secretKey = "B2" } },
        });
        Expect.Ok(deleted);
        Expect.Keys(deleted.Json["secrets"]![0]!.AsObject(), SecretKeys.Changed);
        Assert.Equal(["NEW"], SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id)).Keys);

        var missing = await Api.DeleteAsync("/api/v4/secrets/batch", fx.AdminToken, new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "B1" } } });
        Expect.Error(missing, 404, "NotFound", "One or more secrets does not exist: B1");
    }

    [Fact]
    public async Task Batch_update_renames_and_ignore_mode_skips_missing()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "R1", "1");
        var r = await Api.PatchAsync("/api/v3/secrets/batch/raw", new
        {
            workspaceId = p.Id,
            environment = "dev",
            mode = "ignore",
            secrets = new object[] { new { secretKey = "R1", newSecretName = "R2" }, new { secretKey = "NOPE", secretValue = "x" } },
        }, fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal(["R2"], r.Json["secrets"]!.AsArray().Select(s => s!["secretKey"]!.GetValue<string>()));
        Assert.Equal(new Dictionary<string, string> { ["R2"] = "1" }, SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id)));
        var badMode = await Api.PatchAsync("/api/v4/secrets/batch", new { projectId = p.Id, environment = "dev", mode = "merge", secrets = new[] { new { secretKey = "R2" } } },
            fx.AdminToken);
        Expect.Validation(badMode, Issue.Enum(["mode"], "merge", "ignore", "upsert", "failOnNotFound"));
    }

    [Fact]
    public async Task Batch_requires_at_least_one_secret_and_an_existing_folder()
    {
        var p = await fx.Given.TestProjectAsync();
        var empty = await Api.PostAsync("/api/v4/secrets/batch", new { projectId = p.Id, environment = "dev", secrets = Array.Empty<object>() }, fx.AdminToken);
        Expect.Validation(empty, Issue.TooSmall(["secrets"], "array", 1, "Array must contain at least 1 element(s)"));
        var folder = await Api.PostAsync("/api/v3/secrets/batch/raw",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/x", secrets = new[] { new { secretKey = "A", secretValue = "1" } } }, fx.AdminToken);
        Expect.Error(folder, 404, "CreateManySecret", "Folder with path '/x' in environment with slug 'dev' not found");
        var update = await Api.PatchAsync("/api/v4/secrets/batch",
            new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "A", secretPath = "/x" } } }, fx.AdminToken);
        Expect.Error(update, 404, "UpdateManySecret", "Folder with path '/x' in environment with slug 'dev' not found");
        var env = await Api.PatchAsync("/api/v4/secrets/batch", new { projectId = p.Id, environment = "qa", secrets = new[] { new { secretKey = "A" } } }, fx.AdminToken);
        Expect.Error(env, 404, "NotFound", $"Environment with slug 'qa' in project with ID '{p.Id}' not found");
        var delete = await Api.DeleteAsync("/api/v4/secrets/batch", fx.AdminToken,
            new { projectId = p.Id, environment = "dev", secretPath = "/x", secrets = new[] { new { secretKey = "A" } } });
        Expect.Error(delete, 404, "DeleteManySecret", "Folder with path '/x' in environment with slug 'dev' not found");
    }

    [Fact]
    public async Task Move_takes_secrets_to_another_environment_and_path()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/target", "prod");
        var a = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "MOVE_A", "a", comment: "ca");
        var b = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "MOVE_B", "b");
        var r = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "prod",
            destinationSecretPath = "/target",
            secretIds = new[] { a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>() },
            shouldOverwrite = false,
        }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "isSourceUpdated", "isDestinationUpdated");
        Assert.True(r.Json["isSourceUpdated"]!.GetValue<bool>());
        Assert.Empty(SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id)));
        var moved = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/target", "prod");
        Assert.Equal(new Dictionary<string, string> { ["MOVE_A"] = "a", ["MOVE_B"] = "b" }, SecretKeys.Values(moved));
        Assert.Equal("ca", moved["secrets"]![0]!["secretComment"]!.GetValue<string>());

        var invalid = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "prod",
            destinationSecretPath = "/target",
            secretIds = new[] { Guid.NewGuid().ToString() },
        }, fx.AdminToken);
        Expect.Error(invalid, 400, "BadRequest", "Invalid secrets");
        var noFolder = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "prod",
            destinationSecretPath = "/none",
            secretIds = Array.Empty<string>(),
        }, fx.AdminToken);
        Expect.Error(noFolder, 404, "NotFound", "Destination folder with path '/none' in environment with slug 'prod' not found");
    }

    [Fact]
    public async Task Move_refuses_to_overwrite_unless_asked()
    {
        var p = await fx.Given.TestProjectAsync();
        var a = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SAME", "new");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SAME", "old", environment: "prod");
        object Body(bool overwrite) => new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "prod",
            destinationSecretPath = "/",
            secretIds = new[] { a["id"]!.GetValue<string>() },
            shouldOverwrite = overwrite,
        };
        var refused = await Api.PostAsync("/api/v4/secrets/move", Body(false), fx.AdminToken);
        Expect.Error(refused, 400, "BadRequest", "Failed to move secrets. The following secrets already exist in the destination: SAME");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/move", Body(true), fx.AdminToken));
        var prod = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, environment: "prod");
        Assert.Equal("new", SecretKeys.Values(prod)["SAME"]);
        Assert.Equal(2, prod["secrets"]![0]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Get_by_id_hides_other_projects_and_needs_read_value()
    {
        var p = await fx.Given.TestProjectAsync();
        var s = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "BY_ID", "v");
        var id = s["id"]!.GetValue<string>();
        Expect.Ok(await Api.GetAsync($"/api/v4/secrets/id/{id}", fx.AdminToken));
        var (_, outsider) = await fx.Given.IdentityWithTokenAsync();
        var r = await Api.GetAsync($"/api/v4/secrets/id/{id}", outsider);
        Assert.Equal(403, r.Code);
        var (_, describer) = await fx.Given.CustomMemberAsync(p.Id, """[["describeSecret","secrets"]]""");
        var denied = await Api.GetAsync($"/api/v4/secrets/id/{id}", describer);
        Expect.Error(denied, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
    }

    [Fact]
    public async Task Metadata_is_stored_returned_and_filterable()
    {
        var p = await fx.Given.TestProjectAsync();
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/TAGGED",
            new { projectId = p.Id, environment = "dev", secretValue = "1", secretMetadata = new[] { new { key = "team", value = "core" } } }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/OTHER",
            new { projectId = p.Id, environment = "dev", secretValue = "2", secretMetadata = new[] { new { key = "team", value = "web" } } }, fx.AdminToken));
        var filtered = await Api.GetAsync($"/api/v4/secrets?projectId={p.Id}&environment=dev&metadataFilter=key%3Dteam%2Cvalue%3Dcore", fx.AdminToken);
        Expect.Ok(filtered);
        var item = Assert.Single(filtered.Json["secrets"]!.AsArray())!;
        Assert.Equal("TAGGED", item["secretKey"]!.GetValue<string>());
        Expect.Keys(item["secretMetadata"]![0]!.AsObject(), "key", "value", "isEncrypted");
        Assert.False(item["secretMetadata"]![0]!["isEncrypted"]!.GetValue<bool>());
        var tooMany = string.Join("|", Enumerable.Range(0, 11).Select(i => $"key=k{i},value=v"));
        var r = await Api.GetAsync($"/api/v4/secrets?projectId={p.Id}&environment=dev&metadataFilter={Uri.EscapeDataString(tooMany)}", fx.AdminToken);
        Expect.Validation(r, Issue.Custom(["metadataFilter"], "You can only filter by up to 10 metadata fields"));
    }

    [Fact]
    public async Task Folders_record_when_a_secret_in_them_last_changed()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/quiet");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/busy");
        var before = DateTime.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "X", "1", path: "/busy");
        var all = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev", fx.AdminToken);
        var busy = all.Json["folders"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "busy")!;
        Assert.Matches(Expect.IsoMillis(), busy["lastSecretModified"]!.GetValue<string>());
        var changed = await Api.GetAsync($"/api/v1/folders?workspaceId={p.Id}&environment=dev&lastSecretModified={before}", fx.AdminToken);
        Assert.Equal(["busy"], changed.Json["folders"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        var bad = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev&lastSecretModified=yesterday", fx.AdminToken);
        Assert.Equal(422, bad.Code);
    }
}
