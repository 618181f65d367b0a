using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// Operations on what holds secrets — folders, tags, environments, imports — which touch every secret they rename,
/// retag, delete or expose.
/// </summary>
public sealed class ScopedStructure(Api api, string admin, ScopedWrites writes)
{
    public IEnumerable<ScopedOperation> All()
    {
        yield return FolderRename();
        yield return FolderDelete("/", "ops");
        yield return FolderDelete("/app", "api");
        yield return TagRename();
        yield return TagDelete();
        yield return EnvironmentRename("prod", "production");
        yield return EnvironmentRename("staging", "stage");
        yield return EnvironmentDelete();
        yield return ImportCreate();
        yield return ImportUpdate();
        foreach (var operation in TouchingNoSecret()) yield return operation;
    }

    /// <summary>Writes that touch no secret row: every actor (all of whom may manage folders, imports, tags and environments) may.</summary>
    private static IEnumerable<ScopedOperation> TouchingNoSecret()
    {
        static Task Done(ScopedWorld w, ApiResponse r) => Task.CompletedTask;
        yield return new("create folder dev:/app/new", true, w =>
        [
            new("v1", "POST", "/api/v1/folders", new { workspaceId = w.ProjectId, environment = "dev", path = "/app", name = "new" }),
            new("v2", "POST", "/api/v2/folders", new { projectId = w.ProjectId, environment = "dev", path = "/app", name = "new" }),
        ], (_, _) => true, Done);
        yield return new("delete dev:/ops's import", true, w =>
        [
            new("v1", "DELETE", $"/api/v1/secret-imports/{w.ImportId}", new { workspaceId = w.ProjectId, environment = "dev", path = "/ops" }),
            new("v2", "DELETE", $"/api/v2/secret-imports/{w.ImportId}", new { projectId = w.ProjectId, environment = "dev", path = "/ops" }),
        ], (_, _) => true, Done);
        yield return new("create tag", true, w =>
        [
            new("/projects", "POST", $"/api/v1/projects/{w.ProjectId}/tags", new { slug = "fresh", color = "#abcdef" }),
            new("/workspace", "POST", $"/api/v1/workspace/{w.ProjectId}/tags", new { slug = "fresh", color = "#abcdef" }),
        ], (_, _) => true, Done);
        yield return new("create environment", true, w =>
        [
            new("/projects", "POST", $"/api/v1/projects/{w.ProjectId}/environments", new { name = "QA", slug = "qa" }),
            new("/workspace", "POST", $"/api/v1/workspace/{w.ProjectId}/environments", new { name = "QA", slug = "qa" }),
        ], (_, _) => true, Done);
    }

    private static IEnumerable<SeedSecret> Under(ScopedWorld w, string env, string root) =>
        w.Secrets.Where(s => s.Environment == env && (root == "/" || s.Path == root || s.Path.StartsWith(root + "/", StringComparison.Ordinal)));

    private ScopedOperation FolderRename() =>
        new("rename folder dev:/app to /application", true, w =>
        {
            var id = w.FolderIds["dev:/app"];
            return
            [
                new("v1", "PATCH", $"/api/v1/folders/{id}", new { workspaceId = w.ProjectId, environment = "dev", path = "/", name = "application" }),
                new("v2", "PATCH", $"/api/v2/folders/{id}", new { projectId = w.ProjectId, environment = "dev", path = "/", name = "application" }),
                new("v2 batch", "PATCH", "/api/v2/folders/batch",
                    new { projectId = w.ProjectId, folders = new[] { new { id, environment = "dev", name = "application", path = "/" } } }),
                new("v1 batch", "PATCH", "/api/v1/folders/batch",
                    new { projectSlug = w.ProjectSlug, folders = new[] { new { id, environment = "dev", name = "application", path = "/" } } }),
            ];
        },
        ScopedOperation.Touching(w => Under(w, "dev", "/app").SelectMany(s => new[]
        {
            s.Identity, s.Identity with { Path = "/application" + s.Path["/app".Length..] },
        })),
        async (w, _) => Assert.Equal("app-value", await writes.ValueAsync(w, "dev", "/application", "APP_KEY")));

    private ScopedOperation FolderDelete(string parent, string name)
    {
        var path = (parent == "/" ? "" : parent) + "/" + name;
        return new($"force-delete folder dev:{path}", true, w =>
        {
            var id = w.FolderIds["dev:" + path];
            return
            [
                new("v1", "DELETE", $"/api/v1/folders/{id}", new { workspaceId = w.ProjectId, environment = "dev", path = parent, forceDelete = true }),
                new("v2", "DELETE", $"/api/v2/folders/{id}", new { projectId = w.ProjectId, environment = "dev", path = parent, forceDelete = true }),
            ];
        },
        ScopedOperation.Touching(w => Under(w, "dev", path).Select(s => s.Identity)),
        async (w, _) =>
        {
            foreach (var s in Under(w, "dev", path)) Assert.Null(await writes.ValueAsync(w, s.Environment, s.Path, s.Name));
        });
    }

    private static IReadOnlyList<ScopedRequest> TagRoutes(ScopedWorld w, string method, string slug, object? body) =>
    [
        new("/projects", method, $"/api/v1/projects/{w.ProjectId}/tags/{w.TagIds[slug]}", body),
        new("/workspace", method, $"/api/v1/workspace/{w.ProjectId}/tags/{w.TagIds[slug]}", body),
    ];

    private static IEnumerable<SecretIdentity> Retagged(ScopedWorld w, string slug, string? newSlug) =>
        w.Secrets.Where(s => s.Tags.Contains(slug)).SelectMany(s => new[]
        {
            s.Identity,
            s.Identity with { Tags = [.. s.Tags.Where(t => t != slug), .. newSlug is null ? Array.Empty<string>() : [newSlug]] },
        });

    private static ScopedOperation TagRename() =>
        new("rename tag locked to unlocked", true, w => TagRoutes(w, "PATCH", "locked", new { slug = "unlocked", color = "#654321" }),
            ScopedOperation.Touching(w => Retagged(w, "locked", "unlocked")),
            (_, r) =>
            {
                Assert.Equal("unlocked", r.Json["tag"]!["slug"]!.GetValue<string>());
                return Task.CompletedTask;
            });

    private ScopedOperation TagDelete() =>
        new("delete tag team", true, w => TagRoutes(w, "DELETE", "team", null),
            ScopedOperation.Touching(w => Retagged(w, "team", null)),
            async (w, _) => Assert.Equal(404, (await api.GetAsync($"/api/v1/projects/{w.ProjectId}/tags/{w.TagIds["team"]}", admin)).Code));

    private static IReadOnlyList<ScopedRequest> EnvironmentRoutes(ScopedWorld w, string method, string env, object? body) =>
    [
        new("/projects", method, $"/api/v1/projects/{w.ProjectId}/environments/{w.EnvironmentIds[env]}", body),
        new("/workspace", method, $"/api/v1/workspace/{w.ProjectId}/environments/{w.EnvironmentIds[env]}", body),
    ];

    private ScopedOperation EnvironmentRename(string env, string slug) =>
        new($"rename environment {env} to {slug}", true, w => EnvironmentRoutes(w, "PATCH", env, new { slug }),
            ScopedOperation.Touching(w => Under(w, env, "/").SelectMany(s => new[] { s.Identity, s.Identity with { Environment = slug } })),
            async (w, _) =>
            {
                foreach (var s in Under(w, env, "/")) Assert.Equal(s.Value, await writes.ValueAsync(w, slug, s.Path, s.Name));
            });

    private ScopedOperation EnvironmentDelete() =>
        new("delete environment prod", true, w => EnvironmentRoutes(w, "DELETE", "prod", null),
            ScopedOperation.Touching(w => Under(w, "prod", "/").Select(s => s.Identity)),
            async (w, _) => Assert.Equal(404,
                (await api.GetAsync($"/api/v1/projects/{w.ProjectId}/environments/{w.EnvironmentIds["prod"]}", admin)).Code));

    /// <summary>An import's source is checked on its environment and path: there is no name or tag to check.</summary>
    private static ScopedOperation ImportCreate() =>
        new("import prod:/ into dev:/app", true, w =>
        [
            new("v1", "POST", "/api/v1/secret-imports",
                new { workspaceId = w.ProjectId, environment = "dev", path = "/app", import = new { environment = "prod", path = "/" } }),
            new("v2", "POST", "/api/v2/secret-imports",
                new { projectId = w.ProjectId, environment = "dev", path = "/app", import = new { environment = "prod", path = "/" } }),
        ],
        ScopedOperation.Touching(_ => [new SecretIdentity("prod", "/", null, null)]),
        (_, r) =>
        {
            Assert.Equal("/", r.Json["secretImport"]!["importPath"]!.GetValue<string>());
            return Task.CompletedTask;
        });

    private static ScopedOperation ImportUpdate() =>
        new("point dev:/ops's import at staging:/", true, w =>
        [
            new("v1", "PATCH", $"/api/v1/secret-imports/{w.ImportId}",
                new { workspaceId = w.ProjectId, environment = "dev", path = "/ops", import = new { environment = "staging", path = "/" } }),
            new("v2", "PATCH", $"/api/v2/secret-imports/{w.ImportId}",
                new { projectId = w.ProjectId, environment = "dev", path = "/ops", import = new { environment = "staging", path = "/" } }),
        ],
        ScopedOperation.Touching(_ => [new SecretIdentity("staging", "/", null, null)]),
        (_, r) =>
        {
            Assert.Equal("staging", r.Json["secretImport"]!["importEnv"]!["slug"]!.GetValue<string>());
            return Task.CompletedTask;
        });
}
