using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.Secrets;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Issue 27's findings, one test each: a request is checked against every secret row it changes or reveals, including
/// the rows it reaches indirectly, and a refusal leaves the database exactly as it was.
/// </summary>
public sealed class IndirectSecretAccessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    /// <summary>Everything on secrets, but only in dev under /app.</summary>
    private const string DevApp =
        """[["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev","secretPath":{"$glob":"/app/**"}}],["read","secret-folders"]]""";

    private Api Api => fx.Api;

    [Fact]
    public async Task Move_with_overwrite_is_checked_at_the_destination()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "real", environment: "prod");
        var moving = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "evil", path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, DevApp);

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var r = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "prod",
            destinationSecretPath = "/",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
        Assert.Equal("real", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, environment: "prod"))["PROD_PASS"]);

        // Within its own scope the same identity may move and overwrite.
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app/next");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "old", path: "/app/next");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "dev",
            destinationSecretPath = "/app/next",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token));
        Assert.Equal("evil", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/app/next"))["PROD_PASS"]);
    }

    [Fact]
    public async Task Move_with_overwrite_is_checked_against_the_overwritten_rows_tags()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app/next");
        var tag = await Api.PostAsync($"/api/v1/projects/{p.Id}/tags", new { slug = "locked", color = "#ff0000" }, fx.AdminToken);
        Expect.Ok(tag);
        var locked = await Api.PostAsync("/api/v4/secrets/TARGET", new
        {
            projectId = p.Id,
            environment = "dev",
            secretPath = "/app/next",
            secretValue = "keep",
            tagIds = new[] { tag.Json["tag"]!["id"]!.GetValue<string>() },
        }, fx.AdminToken);
        Expect.Ok(locked);
        var moving = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "TARGET", "evil", path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev"}],["edit","secrets",{"secretTags":{"$in":["locked"]}},1]]""");

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var r = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "dev",
            destinationSecretPath = "/app/next",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to edit on secrets", allowDetails: true);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
    }

    [Fact]
    public async Task Version_reads_are_checked_on_the_current_tags_and_the_versions_tags()
    {
        var p = await fx.Given.TestProjectAsync();
        var locked = await TagAsync(p.Id, "locked");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue","secrets",{"environment":"dev"}],["readValue","secrets",{"secretTags":{"$in":["locked"]}},1]]""");

        // Locked now, not when version 1 was written: the current tags refuse the old version.
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LOCKED_NOW", "v1");
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/LOCKED_NOW",
            new { projectId = p.Id, environment = "dev", secretValue = "v2", tagIds = new[] { locked } }, fx.AdminToken));
        var now = await Api.GetAsync($"/api/v3/secrets/raw/LOCKED_NOW?workspaceId={p.Id}&environment=dev&version=1", token);
        Expect.Error(now, 403, "ForbiddenReadSecretError", "You do not have permission to view secret value on secret with name 'LOCKED_NOW'");

        // Locked when version 1 was written, unlocked since: the version's own tags refuse it, on v3 and v4.
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/LOCKED_THEN",
            new { projectId = p.Id, environment = "dev", secretValue = "locked-value", tagIds = new[] { locked } }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/LOCKED_THEN",
            new { projectId = p.Id, environment = "dev", secretValue = "open-value", tagIds = Array.Empty<string>() }, fx.AdminToken));
        foreach (var path in new[]
                 {
                     $"/api/v3/secrets/raw/LOCKED_THEN?workspaceId={p.Id}&environment=dev&version=1",
                     $"/api/v4/secrets/LOCKED_THEN?projectId={p.Id}&environment=dev&version=1",
                 })
        {
            var then = await Api.GetAsync(path, token);
            Expect.Error(then, 403, "ForbiddenReadSecretError", "You do not have permission to view secret value on secret with name 'LOCKED_THEN'");
            Assert.DoesNotContain("locked-value", then.RawBody, StringComparison.Ordinal);
        }

        // What neither denies stays readable.
        var open = await Api.GetAsync($"/api/v3/secrets/raw/LOCKED_THEN?workspaceId={p.Id}&environment=dev&version=2", token);
        Expect.Ok(open);
        Assert.Equal("open-value", open.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version_reads_follow_the_secret_not_the_name()
    {
        var p = await fx.Given.TestProjectAsync();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue","secrets",{"environment":"dev","secretName":"REUSED"}]]""");

        // REUSED at versions 1 and 2 is renamed to HIDDEN; a new REUSED starts its own history at version 1.
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "REUSED", "hidden-1");
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/REUSED", new { projectId = p.Id, environment = "dev", secretValue = "hidden-2" }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/REUSED", new { projectId = p.Id, environment = "dev", newSecretName = "HIDDEN" }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "REUSED", "new-1");

        var old = await Api.GetAsync($"/api/v3/secrets/raw/REUSED?workspaceId={p.Id}&environment=dev&version=2", token);
        Expect.Error(old, 404, "NotFound", "Secret with name 'REUSED' not found");
        var own = await Api.GetAsync($"/api/v3/secrets/raw/REUSED?workspaceId={p.Id}&environment=dev&version=1", token);
        Expect.Ok(own);
        Assert.Equal("new-1", own.Json["secret"]!["secretValue"]!.GetValue<string>());

        // Deleted and created again: the deleted secret's history is gone with it.
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/REUSED", new { projectId = p.Id, environment = "dev", secretValue = "new-2" }, fx.AdminToken));
        Expect.Ok(await Api.DeleteAsync("/api/v4/secrets/REUSED", fx.AdminToken, new { projectId = p.Id, environment = "dev" }));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "REUSED", "third-1");
        var deleted = await Api.GetAsync($"/api/v3/secrets/raw/REUSED?workspaceId={p.Id}&environment=dev&version=2", token);
        Expect.Error(deleted, 404, "NotFound", "Secret with name 'REUSED' not found");
    }

    [Fact]
    public async Task Import_updates_are_checked_on_the_new_source()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_ONLY", "prod-value", environment: "prod");
        var import = await Api.PostAsync("/api/v2/secret-imports",
            new { projectId = p.Id, environment = "dev", path = "/", import = new { environment = "staging", path = "/" } }, fx.AdminToken);
        Expect.Ok(import);
        var importId = import.Json["secretImport"]!["id"]!.GetValue<string>();
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["read,create,edit,delete","secret-imports"],["describeSecret,readValue","secrets",{"environment":{"$in":["dev","staging"]}}]]""");

        var before = await DbSnapshot.TakeAsync(fx.Server);
        foreach (var (root, field) in new[] { ("/api/v1/secret-imports", "workspaceId"), ("/api/v2/secret-imports", "projectId") })
        {
            var body = new Dictionary<string, object>
            {
                [field] = p.Id,
                ["environment"] = "dev",
                ["path"] = "/",
                ["import"] = new { environment = "prod", path = "/" },
            };
            var r = await Api.PatchAsync($"{root}/{importId}", body, token);
            Expect.Error(r, 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
        var list = await SecretKeys.ListAsync(Api, token, p.Id, "&include_imports=true");
        Assert.DoesNotContain("prod-value", list.ToJsonString(), StringComparison.Ordinal);

        // A source the caller may read is accepted.
        Expect.Ok(await Api.PatchAsync($"/api/v2/secret-imports/{importId}",
            new { projectId = p.Id, environment = "dev", path = "/", import = new { environment = "staging", path = "/", position = 1 } }, token));
    }

    [Fact]
    public async Task Unsafe_secret_names_are_refused_on_every_create_and_rename_path()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "EXISTING", "v");
        var before = await DbSnapshot.TakeAsync(fx.Server);
        const string rule = "Secret name cannot contain whitespace, control characters or any of = $ { } ' \" ` ; \\";
        foreach (var name in new[]
                 {
                     "A B", "A\nB", "A\tB", "A\u00a0B", "A=B", "A$B", "A{B", "X}${prod.DB", "A\"B", "A'B", "A;B", "A`B", "A\\B", "A\u0007B",
                     "A\u200bB",
                 })
        {
            var item = new { secretKey = name, secretValue = "x" };
            var cases = new (string Method, string Path, object Body, object[] Where)[]
            {
                ("POST", $"/api/v3/secrets/raw/{Uri.EscapeDataString(name)}", new { workspaceId = p.Id, environment = "dev", secretValue = "x" }, ["secretName"]),
                ("POST", $"/api/v4/secrets/{Uri.EscapeDataString(name)}", new { projectId = p.Id, environment = "dev", secretValue = "x" }, ["secretName"]),
                ("PATCH", "/api/v3/secrets/raw/EXISTING", new { workspaceId = p.Id, environment = "dev", newSecretName = name }, ["newSecretName"]),
                ("PATCH", "/api/v4/secrets/EXISTING", new { projectId = p.Id, environment = "dev", newSecretName = name }, ["newSecretName"]),
                ("POST", "/api/v4/secrets/batch", new { projectId = p.Id, environment = "dev", secrets = new[] { item } }, ["secrets", 0, "secretKey"]),
                ("POST", "/api/v3/secrets/batch/raw", new { workspaceId = p.Id, environment = "dev", secrets = new[] { item } }, ["secrets", 0, "secretKey"]),
                ("PATCH", "/api/v4/secrets/batch",
                    new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "EXISTING", newSecretName = name } } },
                    ["secrets", 0, "newSecretName"]),
                ("PATCH", "/api/v4/secrets/batch", new { projectId = p.Id, environment = "dev", mode = "upsert", secrets = new[] { item } },
                    ["secrets", 0, "secretKey"]),
            };
            foreach (var (method, path, body, where) in cases)
            {
                var r = await Api.SendAsync(new HttpMethod(method), path, body, fx.AdminToken);
                Expect.Validation(r, Issue.Custom(where, rule));
            }
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        // Everything else Infisical accepts stays accepted.
        foreach (var name in new[] { "KEY@1", "CLÉ", "a.b-c_d", "PLUS+HASH#", "ÜBER" })
            Expect.Ok(await Api.PostAsync($"/api/v4/secrets/{Uri.EscapeDataString(name)}", new { projectId = p.Id, environment = "dev", secretValue = "x" },
                fx.AdminToken));
    }

    [Fact]
    public async Task Existing_secrets_with_names_outside_the_alphabet_stay_readable_and_deletable()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LEGACY", "old-value");
        // Written by an earlier release that accepted any name; the name is not part of the sealed value's associated data.
        await fx.Server.Services.GetRequiredService<Coffer.Server.Data.Db>().WriteAsync((conn, tx) =>
            Dapper.SqlMapper.ExecuteAsync(conn, "UPDATE secrets SET key = 'LEGACY NAME' WHERE id = @id", new { id = created["id"]!.GetValue<string>() }, tx), TestContext.Current.CancellationToken);
        Expect.Ok(await Api.PostAsync($"/api/v4/secrets/NEXT", new { projectId = p.Id, environment = "dev", secretValue = "bump" }, fx.AdminToken));

        var read = await Api.GetAsync($"/api/v3/secrets/raw/LEGACY%20NAME?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(read);
        Assert.Equal("old-value", read.Json["secret"]!["secretValue"]!.GetValue<string>());
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/LEGACY%20NAME", new { projectId = p.Id, environment = "dev", newSecretName = "LEGACY_NAME" }, fx.AdminToken));
        Expect.Ok(await Api.DeleteAsync("/api/v4/secrets/LEGACY_NAME", fx.AdminToken, new { projectId = p.Id, environment = "dev" }));
    }

    [Fact]
    public async Task Rename_is_refused_when_it_would_rewrite_references_the_actor_may_not_edit()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "OLD", "db-host", path: "/app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LOCAL", "${OLD}:5432", path: "/app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DB_URL", "postgres://${dev.app.OLD}/prod", environment: "prod");
        var (_, devApp) = await fx.Given.CustomMemberAsync(p.Id, DevApp);
        var (_, seesAll) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret","secrets"],["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev","secretPath":{"$glob":"/app/**"}}]]""");

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var body = new { projectId = p.Id, environment = "dev", secretPath = "/app", newSecretName = "NEW" };
        var hidden = await Api.PatchAsync("/api/v4/secrets/OLD", body, devApp);
        Expect.Error(hidden, 403, "PermissionDenied",
            "Renaming secret 'OLD' would rewrite references to it in secrets you are not allowed to edit: 1 secret you cannot see");
        Assert.DoesNotContain("DB_URL", hidden.RawBody, StringComparison.Ordinal);
        var named = await Api.PatchAsync("/api/v4/secrets/batch",
            new { projectId = p.Id, environment = "dev", secretPath = "/app", secrets = new[] { new { secretKey = "OLD", newSecretName = "NEW" } } }, seesAll);
        Expect.Error(named, 403, "PermissionDenied",
            "Renaming secret 'OLD' would rewrite references to it in secrets you are not allowed to edit: prod:/DB_URL");
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        // Once the only reference outside its scope is gone, the same rename goes through and rewrites what it may.
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/DB_URL", new { projectId = p.Id, environment = "prod", secretValue = "postgres://fixed/prod" }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/OLD", body, devApp));
        var app = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/app"));
        Assert.Equal("${NEW}:5432", app["LOCAL"]);
    }

    [Fact]
    public async Task Folder_renames_and_deletes_are_checked_on_every_secret_below()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/locked");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/locked/deep");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/plain");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "HIDDEN", "locked-value", path: "/locked/deep");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PLAIN", "plain-value", path: "/plain");
        var folders = await Api.GetAsync($"/api/v2/folders?projectId={p.Id}&environment=dev&path=/", fx.AdminToken);
        string FolderId(string name) => folders.Json["folders"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<string>();

        // May do anything to folders and secrets, except read values below /locked or delete secrets below /locked.
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """
            [["read,create,edit,delete","secret-folders"],["describeSecret,readValue,create,edit,delete","secrets"],
             ["readValue,delete","secrets",{"secretPath":{"$glob":"/locked/**"}},1]]
            """);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        var rename = await Api.PatchAsync($"/api/v2/folders/{FolderId("locked")}", new { projectId = p.Id, environment = "dev", path = "/", name = "open" }, token);
        Expect.Error(rename, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
        var batch = await Api.PatchAsync("/api/v2/folders/batch", new
        {
            projectId = p.Id,
            folders = new[] { new { id = FolderId("locked"), environment = "dev", name = "open", path = "/" } },
        }, token);
        Expect.Error(batch, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
        var delete = await Api.DeleteAsync($"/api/v2/folders/{FolderId("locked")}", token, new { projectId = p.Id, environment = "dev", path = "/", forceDelete = true });
        Expect.Error(delete, 403, "PermissionDenied", "You are not allowed to delete on secrets", allowDetails: true);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        // Folders whose secrets the caller may fully handle rename and delete as before.
        Expect.Ok(await Api.PatchAsync($"/api/v2/folders/{FolderId("plain")}", new { projectId = p.Id, environment = "dev", path = "/", name = "moved" }, token));
        Assert.Equal("plain-value", SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id, "&secretPath=/moved"))["PLAIN"]);
        Expect.Ok(await Api.DeleteAsync($"/api/v2/folders/{FolderId("plain")}", token, new { projectId = p.Id, environment = "dev", path = "/", forceDelete = true }));
    }

    [Fact]
    public async Task Tag_renames_and_deletes_are_checked_on_every_tagged_secret()
    {
        var p = await fx.Given.TestProjectAsync();
        var locked = await TagAsync(p.Id, "locked");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/TAGGED",
            new { projectId = p.Id, environment = "dev", secretValue = "tagged-value", tagIds = new[] { locked } }, fx.AdminToken));
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """
            [["read,create,edit,delete","tags"],["describeSecret,readValue,create,edit,delete","secrets"],
             ["readValue","secrets",{"secretTags":{"$in":["locked"]}},1]]
            """);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var rename = await Api.PatchAsync($"{prefix}/{p.Id}/tags/{locked}", new { slug = "unlocked", color = "#00ff00" }, token);
            Expect.Error(rename, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
            var delete = await Api.DeleteAsync($"{prefix}/{p.Id}/tags/{locked}", token);
            Expect.Error(delete, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
        var read = await Api.GetAsync($"/api/v3/secrets/raw/TAGGED?workspaceId={p.Id}&environment=dev", token);
        Expect.Error(read, 403, "ForbiddenReadSecretError", "You do not have permission to view secret value on secret with name 'TAGGED'");

        // A tag on no secret the caller is denied renames and deletes as before.
        var free = await TagAsync(p.Id, "free");
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{p.Id}/tags/{free}", new { slug = "free-2", color = "#0000ff" }, token));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{p.Id}/tags/{free}", token));
    }

    [Fact]
    public async Task Environment_renames_and_deletes_are_checked_on_every_secret_in_it()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "prod-value", environment: "prod");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """
            [["read,create,edit,delete","environments"],["describeSecret,readValue,create,edit,delete","secrets"],
             ["readValue,delete","secrets",{"environment":"prod"},1]]
            """);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var envs = $"{prefix}/{p.Id}/environments/{p.EnvironmentIds["prod"]}";
            var rename = await Api.PatchAsync(envs, new { slug = "production" }, token);
            Expect.Error(rename, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
            var delete = await Api.DeleteAsync(envs, token);
            Expect.Error(delete, 403, "PermissionDenied", "You are not allowed to delete on secrets", allowDetails: true);
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        // Renaming without a new slug, and renaming or deleting an environment whose secrets the caller may handle, work.
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{p.Id}/environments/{p.EnvironmentIds["prod"]}", new { name = "Production!" }, token));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "STAGING_KEY", "s", environment: "staging");
        Expect.Ok(await Api.PatchAsync($"/api/v1/projects/{p.Id}/environments/{p.EnvironmentIds["staging"]}", new { slug = "stage" }, token));
        Expect.Ok(await Api.DeleteAsync($"/api/v1/projects/{p.Id}/environments/{p.EnvironmentIds["staging"]}", token));
    }

    [Fact]
    public async Task Secret_renames_and_retags_cannot_carry_a_secret_out_from_under_a_deny()
    {
        var p = await fx.Given.TestProjectAsync();
        var locked = await TagAsync(p.Id, "locked");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DB_PASS", "named-value");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/LOCKED_ONE",
            new { projectId = p.Id, environment = "dev", secretValue = "tagged-value", tagIds = new[] { locked } }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "FREE", "free-value");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, """
            [["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev"}],
             ["readValue","secrets",{"secretName":"DB_PASS"},1],["readValue","secrets",{"secretTags":{"$in":["locked"]}},1]]
            """);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        var attempts = new (string Method, string Path, object Body)[]
        {
            ("PATCH", "/api/v3/secrets/raw/DB_PASS", new { workspaceId = p.Id, environment = "dev", newSecretName = "READABLE" }),
            ("PATCH", "/api/v4/secrets/DB_PASS", new { projectId = p.Id, environment = "dev", newSecretName = "READABLE" }),
            ("PATCH", "/api/v4/secrets/batch",
                new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "DB_PASS", newSecretName = "READABLE" } } }),
            ("PATCH", "/api/v3/secrets/batch/raw",
                new { workspaceId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "DB_PASS", newSecretName = "READABLE" } } }),
            ("PATCH", "/api/v4/secrets/LOCKED_ONE", new { projectId = p.Id, environment = "dev", tagIds = Array.Empty<string>() }),
            ("PATCH", "/api/v3/secrets/raw/LOCKED_ONE", new { workspaceId = p.Id, environment = "dev", tagIds = Array.Empty<string>() }),
            ("PATCH", "/api/v4/secrets/batch",
                new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "LOCKED_ONE", tagIds = Array.Empty<string>() } } }),
        };
        foreach (var (method, path, body) in attempts)
        {
            var r = await Api.SendAsync(new HttpMethod(method), path, body, token);
            Expect.Error(r, 403, "PermissionDenied", "You are not allowed to readValue on secrets", allowDetails: true);
        }
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        // Renaming and retagging a secret no rule singles out work as before.
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/FREE", new { projectId = p.Id, environment = "dev", newSecretName = "FREE_2" }, token));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/batch",
            new { projectId = p.Id, environment = "dev", secrets = new[] { new { secretKey = "FREE_2", newSecretName = "FREE_3" } } }, token));
    }

    private async Task<string> TagAsync(string projectId, string slug)
    {
        var r = await Api.PostAsync($"/api/v1/projects/{projectId}/tags", new { slug, color = "#ff0000" }, fx.AdminToken);
        Expect.Ok(r);
        return r.Json["tag"]!["id"]!.GetValue<string>();
    }
}
