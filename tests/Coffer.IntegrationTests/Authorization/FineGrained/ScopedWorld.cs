using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

public sealed record SeedSecret(string Environment, string Path, string Name, string[] Tags, string Value)
{
    public SecretIdentity Identity => new(Environment, Path, Name, Tags);

    public string Key => Address(Environment, Path, Name);

    public static string Address(string environment, string path, string name) => $"{environment}:{path}{(path == "/" ? "" : "/")}{name}";
}

/// <summary>
/// One project laid out so that each scoped actor reaches some of it and not the rest: secrets in dev and prod, at the
/// root, under /app (with a sub-folder), /ops and the own-folder actor's folder; a <c>locked</c> and a <c>team</c> tag; a
/// reference from /app to the root; an import of prod:/app into dev:/ops; and every actor a member through its own role.
/// A request that changes it gets a fresh one, so every request starts from the same state.
/// </summary>
public sealed class ScopedWorld
{
    private ScopedWorld(string projectId, string projectSlug, string ownPath, IReadOnlyDictionary<string, string> environmentIds)
    {
        ProjectId = projectId;
        ProjectSlug = projectSlug;
        OwnPath = ownPath;
        EnvironmentIds = environmentIds;
        Secrets =
        [
            new("dev", "/", "ROOT_KEY", [], "root-value"),
            new("dev", "/app", "APP_KEY", [], "app-value"),
            new("dev", "/app", "LOCKED_KEY", ["locked"], "locked-value"),
            new("dev", "/app", "PUBLIC_URL", [], "https://${dev.ROOT_KEY}.example"),
            new("dev", "/app", "SHARED", [], "dev-shared"),
            new("dev", "/app/api", "API_KEY", [], "api-value"),
            new("dev", "/ops", "OPS_KEY", ["team"], "ops-value"),
            new("dev", ownPath, "SVC_KEY", [], "svc-value"),
            new("prod", "/", "PROD_KEY", ["team"], "prod-value"),
            new("prod", "/app", "SHARED", [], "prod-shared"),
            new("prod", "/app", "PUBLIC_PROD", [], "public-prod-value"),
        ];
    }

    public string ProjectId { get; }

    public string ProjectSlug { get; }

    /// <summary>The own-folder actor's folder, named by its identity id.</summary>
    public string OwnPath { get; }

    public IReadOnlyDictionary<string, string> EnvironmentIds { get; }

    public IReadOnlyList<SeedSecret> Secrets { get; }

    public Dictionary<string, string> SecretIds { get; } = [];

    public Dictionary<string, string> FolderIds { get; } = [];

    public Dictionary<string, string> TagIds { get; } = [];

    public string ImportId { get; private set; } = "";

    /// <summary>The expanded value of /app's PUBLIC_URL, which refers to the root's ROOT_KEY.</summary>
    public const string ExpandedPublicUrl = "https://root-value.example";

    public SeedSecret Secret(string environment, string path, string name) =>
        Secrets.Single(s => s.Environment == environment && s.Path == path && s.Name == name);

    public static async Task<ScopedWorld> SeedAsync(ServerFixture fx, IReadOnlyList<ScopedActor> actors)
    {
        var api = fx.Api;
        var admin = fx.AdminToken;
        var project = await fx.Given.TestProjectAsync();
        var own = actors.Single(a => a.Name == "own-folder");
        var world = new ScopedWorld(project.Id, project.Slug, "/" + own.IdentityId, project.EnvironmentIds);
        var p = project.Id;

        foreach (var slug in new[] { "locked", "team" })
        {
            var tag = await api.PostAsync($"/api/v1/projects/{p}/tags", new { slug, color = "#123456" }, admin);
            Expect.Ok(tag);
            world.TagIds[slug] = tag.Json["tag"]!["id"]!.GetValue<string>();
        }
        foreach (var (environment, parent, name) in new[]
                 {
                     ("dev", "/", "app"), ("dev", "/app", "api"), ("dev", "/", "ops"), ("dev", "/", own.IdentityId), ("prod", "/", "app"),
                 })
        {
            var folder = await api.PostAsync("/api/v2/folders", new { projectId = p, environment, name, path = parent }, admin);
            Expect.Ok(folder);
            world.FolderIds[$"{environment}:{(parent == "/" ? "" : parent)}/{name}"] = folder.Json["folder"]!["id"]!.GetValue<string>();
        }
        foreach (var group in world.Secrets.GroupBy(s => (s.Environment, s.Path)))
        {
            var created = await api.PostAsync("/api/v4/secrets/batch", new
            {
                projectId = p,
                environment = group.Key.Environment,
                secretPath = group.Key.Path,
                secrets = group.Select(s => new { secretKey = s.Name, secretValue = s.Value, tagIds = s.Tags.Select(t => world.TagIds[t]).ToArray() }),
            }, admin);
            Expect.Ok(created);
            foreach (var s in created.Json["secrets"]!.AsArray())
                world.SecretIds[SeedSecret.Address(group.Key.Environment, group.Key.Path, s!["secretKey"]!.GetValue<string>())] =
                    s["id"]!.GetValue<string>();
        }
        var import = await api.PostAsync("/api/v2/secret-imports",
            new { projectId = p, environment = "dev", path = "/ops", import = new { environment = "prod", path = "/app" } }, admin);
        Expect.Ok(import);
        world.ImportId = import.Json["secretImport"]!["id"]!.GetValue<string>();

        foreach (var actor in actors)
        {
            var role = await api.PostAsync($"/api/v1/projects/{p}/roles",
                new { slug = "scope-" + actor.Name, name = actor.Name, permissions = actor.Permissions() }, admin);
            Expect.Ok(role);
            await fx.Given.MemberAsync(p, actor.IdentityId, "scope-" + actor.Name);
        }
        return world;
    }
}
