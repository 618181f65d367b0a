using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// The secret writes (create, update, rename, retag, delete, move) in every form, with the secrets each touches,
/// including the ones a rename rewrites and a move overwrites.
/// </summary>
public sealed class ScopedWrites(Api api, string admin)
{
    private const string Own = "";

    private static readonly (string Env, string Path, string Name)[] Existing =
    [
        ("dev", "/", "ROOT_KEY"), ("dev", "/app", "LOCKED_KEY"), ("dev", "/app", "PUBLIC_URL"), ("dev", "/ops", "OPS_KEY"), ("dev", Own, "SVC_KEY"),
        ("prod", "/app", "PUBLIC_PROD"),
    ];

    public IEnumerable<ScopedOperation> All()
    {
        foreach (var (env, path, name, tags) in new[]
                 {
                     ("dev", "/app", "PUBLIC_NEW", Array.Empty<string>()), ("prod", "/", "NEW_KEY", []), ("dev", "/ops", "NEW_KEY", ["team"]),
                     ("dev", Own, "NEW_KEY", []), ("dev", "/app", "NEW_LOCKED", ["locked"]),
                 })
            yield return Create(env, path, name, tags);
        foreach (var (env, path, name) in Existing)
        {
            yield return Update(env, path, name);
            yield return Delete(env, path, name);
        }
        yield return Rename("dev", "/", "ROOT_KEY", "ROOT_RENAMED", ("dev", "/app", "PUBLIC_URL"));
        yield return Rename("dev", "/app", "APP_KEY", "PUBLIC_APP");
        yield return Rename("dev", "/app", "PUBLIC_URL", "PUBLIC_URL2");
        yield return Retag("dev", "/app", "LOCKED_KEY", []);
        yield return Retag("dev", "/ops", "OPS_KEY", ["locked"]);
        yield return Move("dev", "/app", "APP_KEY", "prod", "/app");
        yield return Move("dev", "/app", "SHARED", "prod", "/app");
        yield return Move("dev", "/app", "PUBLIC_URL", "dev", Own);
    }

    private static string PathOf(ScopedWorld w, string path) => path == Own ? w.OwnPath : path;

    private static string Label(string env, string path, string name) => $"{env}:{(path == Own ? "/<own>" : path)}{(path == "/" ? "" : "/")}{name}";

    private ScopedOperation Create(string env, string path, string name, string[] tags) =>
        new($"create {Label(env, path, name)} [{string.Join(",", tags)}]", true, w =>
        {
            var p = PathOf(w, path);
            var tagIds = tags.Select(t => w.TagIds[t]).ToArray();
            var item = new { secretKey = name, secretValue = "new-value", tagIds };
            return
            [
                new("v3", "POST", $"/api/v3/secrets/raw/{name}", new { workspaceId = w.ProjectId, environment = env, secretPath = p, secretValue = "new-value", tagIds }),
                new("v4", "POST", $"/api/v4/secrets/{name}", new { projectId = w.ProjectId, environment = env, secretPath = p, secretValue = "new-value", tagIds }),
                new("v3 batch", "POST", "/api/v3/secrets/batch/raw", new { workspaceId = w.ProjectId, environment = env, secretPath = p, secrets = new[] { item } }),
                new("v4 batch", "POST", "/api/v4/secrets/batch", new { projectId = w.ProjectId, environment = env, secretPath = p, secrets = new[] { item } }),
                new("v4 batch upsert", "PATCH", "/api/v4/secrets/batch",
                    new { projectId = w.ProjectId, environment = env, secretPath = p, mode = "upsert", secrets = new[] { item } }),
            ];
        },
        ScopedOperation.Touching(w => [new SecretIdentity(env, PathOf(w, path), name, tags)]),
        async (w, _) => Assert.Equal("new-value", await ValueAsync(w, env, PathOf(w, path), name)));

    private ScopedOperation Update(string env, string path, string name) =>
        new($"update {Label(env, path, name)}", true, w =>
        {
            var p = PathOf(w, path);
            var item = new { secretKey = name, secretValue = "changed" };
            return
            [
                new("v3", "PATCH", $"/api/v3/secrets/raw/{name}", new { workspaceId = w.ProjectId, environment = env, secretPath = p, secretValue = "changed" }),
                new("v4", "PATCH", $"/api/v4/secrets/{name}", new { projectId = w.ProjectId, environment = env, secretPath = p, secretValue = "changed" }),
                new("v3 batch", "PATCH", "/api/v3/secrets/batch/raw", new { workspaceId = w.ProjectId, environment = env, secretPath = p, secrets = new[] { item } }),
                new("v4 batch", "PATCH", "/api/v4/secrets/batch", new { projectId = w.ProjectId, environment = env, secretPath = p, secrets = new[] { item } }),
            ];
        },
        ScopedOperation.Touching(w => [w.Secret(env, PathOf(w, path), name).Identity]),
        async (w, _) => Assert.Equal("changed", await ValueAsync(w, env, PathOf(w, path), name)));

    private ScopedOperation Delete(string env, string path, string name) =>
        new($"delete {Label(env, path, name)}", true, w =>
        {
            var p = PathOf(w, path);
            var items = new[] { new { secretKey = name } };
            return
            [
                new("v3", "DELETE", $"/api/v3/secrets/raw/{name}", new { workspaceId = w.ProjectId, environment = env, secretPath = p }),
                new("v4", "DELETE", $"/api/v4/secrets/{name}", new { projectId = w.ProjectId, environment = env, secretPath = p }),
                new("v3 batch", "DELETE", "/api/v3/secrets/batch/raw", new { workspaceId = w.ProjectId, environment = env, secretPath = p, secrets = items }),
                new("v4 batch", "DELETE", "/api/v4/secrets/batch", new { projectId = w.ProjectId, environment = env, secretPath = p, secrets = items }),
            ];
        },
        ScopedOperation.Touching(w => [w.Secret(env, PathOf(w, path), name).Identity]),
        async (w, _) => Assert.Null(await ValueAsync(w, env, PathOf(w, path), name)));

    /// <summary>A rename touches the secret under both names and every secret whose references it rewrites.</summary>
    private ScopedOperation Rename(string env, string path, string name, string newName, params (string Env, string Path, string Name)[] rewritten) =>
        new($"rename {Label(env, path, name)} to {newName}", true, w =>
        [
            new("v3", "PATCH", $"/api/v3/secrets/raw/{name}", new { workspaceId = w.ProjectId, environment = env, secretPath = path, newSecretName = newName }),
            new("v4", "PATCH", $"/api/v4/secrets/{name}", new { projectId = w.ProjectId, environment = env, secretPath = path, newSecretName = newName }),
            new("v4 batch", "PATCH", "/api/v4/secrets/batch",
                new { projectId = w.ProjectId, environment = env, secretPath = path, secrets = new[] { new { secretKey = name, newSecretName = newName } } }),
        ],
        ScopedOperation.Touching(w =>
        {
            var before = w.Secret(env, path, name).Identity;
            return [before, before with { Name = newName }, .. rewritten.Select(r => w.Secret(r.Env, r.Path, r.Name).Identity)];
        }),
        async (w, _) =>
        {
            Assert.Equal(w.Secret(env, path, name).Value, await ValueAsync(w, env, path, newName));
            Assert.Null(await ValueAsync(w, env, path, name));
        });

    private ScopedOperation Retag(string env, string path, string name, string[] tags) =>
        new($"retag {Label(env, path, name)} as [{string.Join(",", tags)}]", true, w =>
        {
            var tagIds = tags.Select(t => w.TagIds[t]).ToArray();
            return
            [
                new("v4", "PATCH", $"/api/v4/secrets/{name}", new { projectId = w.ProjectId, environment = env, secretPath = path, tagIds }),
                new("v3", "PATCH", $"/api/v3/secrets/raw/{name}", new { workspaceId = w.ProjectId, environment = env, secretPath = path, tagIds }),
                new("v4 batch", "PATCH", "/api/v4/secrets/batch",
                    new { projectId = w.ProjectId, environment = env, secretPath = path, secrets = new[] { new { secretKey = name, tagIds } } }),
            ];
        },
        ScopedOperation.Touching(w =>
        {
            var before = w.Secret(env, path, name).Identity;
            return [before, before with { Tags = tags }];
        }),
        async (w, _) =>
        {
            var r = await api.GetAsync($"/api/v4/secrets/{name}?projectId={w.ProjectId}&environment={env}&secretPath={path}", admin);
            Expect.Ok(r);
            Assert.Equal(tags, r.Json["secret"]!["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()).Order().ToArray());
        });

    /// <summary>A move touches the secret where it was, where it lands, and the secret it overwrites there.</summary>
    private ScopedOperation Move(string env, string path, string name, string toEnv, string toPath) =>
        new($"move {Label(env, path, name)} to {Label(toEnv, toPath, "")}", true, w =>
        [
            new("v4", "POST", "/api/v4/secrets/move", new
            {
                projectId = w.ProjectId,
                sourceEnvironment = env,
                sourceSecretPath = path,
                destinationEnvironment = toEnv,
                destinationSecretPath = PathOf(w, toPath),
                secretIds = new[] { w.SecretIds[SeedSecret.Address(env, path, name)] },
                shouldOverwrite = true,
            }),
        ],
        ScopedOperation.Touching(w =>
        {
            var source = w.Secret(env, path, name).Identity;
            var destination = source with { Environment = toEnv, Path = PathOf(w, toPath) };
            var overwritten = w.Secrets.Where(s => s.Environment == toEnv && s.Path == PathOf(w, toPath) && s.Name == name).Select(s => s.Identity);
            return [source, destination, .. overwritten];
        }),
        async (w, _) =>
        {
            Assert.Equal(w.Secret(env, path, name).Value, await ValueAsync(w, toEnv, PathOf(w, toPath), name));
            Assert.Null(await ValueAsync(w, env, path, name));
        });

    /// <summary>The stored value, as the admin reads it, or null when there is no such secret.</summary>
    public async Task<string?> ValueAsync(ScopedWorld w, string env, string path, string name)
    {
        var r = await api.GetAsync($"/api/v3/secrets/raw/{name}?workspaceId={w.ProjectId}&environment={env}&secretPath={path}", admin);
        if (r.Code == 404) return null;
        Expect.Ok(r);
        return r.Json["secret"]!["secretValue"]!.GetValue<string>();
    }
}
