using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>The read operations: by name, by name at a version, by id, lists (recursive, expanded, with imports).</summary>
public static class ScopedReads
{
    private static readonly (string Env, string Path, string Name)[] Targets =
    [
        ("dev", "/", "ROOT_KEY"), ("dev", "/app", "LOCKED_KEY"), ("dev", "/ops", "OPS_KEY"), ("prod", "/app", "PUBLIC_PROD"), ("dev", "", "SVC_KEY"),
        ("prod", "/", "PROD_KEY"),
    ];

    public static IEnumerable<ScopedOperation> All()
    {
        foreach (var (env, path, name) in Targets)
        {
            SeedSecret Target(ScopedWorld w) => w.Secret(env, path.Length == 0 ? w.OwnPath : path, name);
            var label = $"{env}:{(path.Length == 0 ? "/<own>" : path)}/{name}";
            var allowed = ScopedOperation.Touching(w => [Target(w).Identity]);
            Task HasValue(ScopedWorld w, ApiResponse r)
            {
                Assert.Equal(Target(w).Value, r.Json["secret"]!["secretValue"]!.GetValue<string>());
                return Task.CompletedTask;
            }

            foreach (var (op, suffix) in new[] { ("get by name", ""), ("get by name at version 1", "&version=1") })
            {
                yield return new ScopedOperation($"{op} {label}", false, w =>
                {
                    var t = Target(w);
                    var key = Uri.EscapeDataString(t.Name);
                    return
                    [
                        new("v3", "GET", $"/api/v3/secrets/raw/{key}?workspaceId={w.ProjectId}&environment={t.Environment}&secretPath={t.Path}{suffix}", null),
                        new("v4", "GET", $"/api/v4/secrets/{key}?projectId={w.ProjectId}&environment={t.Environment}&secretPath={t.Path}{suffix}", null),
                    ];
                }, allowed, HasValue);
            }
            yield return new ScopedOperation($"get by id {label}", false, w =>
            [
                new("v3", "GET", $"/api/v3/secrets/raw/id/{w.SecretIds[Target(w).Key]}", null),
                new("v4", "GET", $"/api/v4/secrets/id/{w.SecretIds[Target(w).Key]}", null),
            ], allowed, HasValue);
        }

        foreach (var (env, path, recursive) in new[] { ("dev", "/", true), ("dev", "/app", false), ("prod", "/", true), ("dev", "", false) })
            yield return List(env, path, recursive);
        yield return ExpandedList();
        yield return ExpandedGet();
        yield return ListWithImports();
        yield return SecretsFromImports();
    }

    private static ScopedOperation ExpandedGet() =>
        new("get dev:/app/PUBLIC_URL expanded", false, w =>
        [
            new("v3", "GET", $"/api/v3/secrets/raw/PUBLIC_URL?workspaceId={w.ProjectId}&environment=dev&secretPath=/app&expandSecretReferences=true", null),
            new("v4", "GET", $"/api/v4/secrets/PUBLIC_URL?projectId={w.ProjectId}&environment=dev&secretPath=/app&expandSecretReferences=true", null),
        ],
        ScopedOperation.Touching(w => [w.Secret("dev", "/app", "PUBLIC_URL").Identity, w.Secret("dev", "/", "ROOT_KEY").Identity]),
        (_, r) =>
        {
            Assert.Equal(ScopedWorld.ExpandedPublicUrl, r.Json["secret"]!["secretValue"]!.GetValue<string>());
            return Task.CompletedTask;
        });

    private static ScopedOperation SecretsFromImports() =>
        new("secrets from dev:/ops's imports", false, w =>
        [
            new("v1", "GET", $"/api/v1/secret-imports/secrets/raw?workspaceId={w.ProjectId}&environment=dev&path=/ops", null),
            new("v2", "GET", $"/api/v2/secret-imports/secrets?projectId={w.ProjectId}&environment=dev&path=/ops", null),
        ], (_, _) => true, (_, _) => Task.CompletedTask)
        {
            ImportGroupsKey = "secrets",
            ExpectedImports = (actor, w) => w.Secrets
                .Where(s => s.Environment == "prod" && s.Path == "/app" && actor.InScope(s.Identity))
                .ToDictionary(s => s.Key, s => s.Value),
        };

    private static ScopedOperation List(string env, string path, bool recursive)
    {
        string Path(ScopedWorld w) => path.Length == 0 ? w.OwnPath : path;
        var query = recursive ? "&recursive=true" : "";
        return new ScopedOperation($"list {env}:{(path.Length == 0 ? "/<own>" : path)}{(recursive ? " recursive" : "")}", false, w =>
        [
            new("v3", "GET", $"/api/v3/secrets/raw?workspaceId={w.ProjectId}&environment={env}&secretPath={Path(w)}{query}", null),
            new("v4", "GET", $"/api/v4/secrets?projectId={w.ProjectId}&environment={env}&secretPath={Path(w)}{query}", null),
        ], (_, _) => true, (_, _) => Task.CompletedTask)
        {
            ExpectedList = (actor, w) => w.Secrets
                .Where(s => s.Environment == env && (recursive ? Under(s.Path, Path(w)) : s.Path == Path(w)) && actor.InScope(s.Identity))
                .ToDictionary(s => s.Key, s => s.Value),
        };
    }

    private static ScopedOperation ExpandedList() =>
        new("list dev:/app expanded", false, w =>
        [
            new("v3", "GET", $"/api/v3/secrets/raw?workspaceId={w.ProjectId}&environment=dev&secretPath=/app&expandSecretReferences=true", null),
            new("v4", "GET", $"/api/v4/secrets?projectId={w.ProjectId}&environment=dev&secretPath=/app&expandSecretReferences=true", null),
        ],
        // PUBLIC_URL refers to dev:/ROOT_KEY: whoever sees the one but may not read the other gets the expansion refused.
        (actor, w) => !actor.InScope(w.Secret("dev", "/app", "PUBLIC_URL").Identity) || actor.InScope(w.Secret("dev", "/", "ROOT_KEY").Identity),
        (_, _) => Task.CompletedTask)
        {
            ExpectedList = (actor, w) => w.Secrets
                .Where(s => s.Environment == "dev" && s.Path == "/app" && actor.InScope(s.Identity))
                .ToDictionary(s => s.Key, s => s.Name == "PUBLIC_URL" ? ScopedWorld.ExpandedPublicUrl : s.Value),
        };

    private static ScopedOperation ListWithImports() =>
        new("list dev:/ops with imports", false, w =>
        [
            new("v3", "GET", $"/api/v3/secrets/raw?workspaceId={w.ProjectId}&environment=dev&secretPath=/ops&include_imports=true", null),
            new("v4", "GET", $"/api/v4/secrets?projectId={w.ProjectId}&environment=dev&secretPath=/ops&includeImports=true", null),
        ], (_, _) => true, (_, _) => Task.CompletedTask)
        {
            ExpectedList = (actor, w) => w.Secrets
                .Where(s => s.Environment == "dev" && s.Path == "/ops" && actor.InScope(s.Identity))
                .ToDictionary(s => s.Key, s => s.Value),
            ExpectedImports = (actor, w) => w.Secrets
                .Where(s => s.Environment == "prod" && s.Path == "/app" && actor.InScope(s.Identity))
                .ToDictionary(s => s.Key, s => s.Value),
        };

    private static bool Under(string path, string root) =>
        root == "/" || path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
}
