using System.Text.Json.Nodes;
using Coffer.IntegrationTests.DynamicSecrets;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Features.AuditLogs;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// The fine-grained suite for dynamic secrets: callers whose role grants every <c>dynamic-secrets</c> action within one
/// scope — an environment, a path glob, a metadata entry (<c>$elemMatch</c>), everything but a path (inverted) — try every
/// dynamic-secret and lease route on dynamic secrets inside and outside it. Each call is allowed exactly when the
/// dynamic secret it touches is in scope; a refusal is a 403 <c>PermissionDenied</c> that leaves the project's rows
/// (dynamic secrets and leases included) unchanged; a list shows exactly the ones in scope.
/// </summary>
public sealed class DynamicSecretScopeTests(DynamicSecretServer fx, TargetRedis redis) : IClassFixture<DynamicSecretServer>, IClassFixture<TargetRedis>
{
    private sealed record Target(string Name, string Env, string Path, string Team);

    private sealed record Actor(string Name, JsonArray Rules, Func<Target, bool> InScope)
    {
        public string Token { get; set; } = "";
    }

    private sealed record World(TestProject Project, Dictionary<string, string> LeaseIds);

    private static readonly Target[] Targets = [new("app-cache", "dev", "/app", "app"), new("ops-cache", "dev", "/ops", "ops"), new("prod-cache", "prod", "/", "app")];

    private static readonly string[] Actions = ["read-root-credential", "create-root-credential", "edit-root-credential", "delete-root-credential", "lease"];

    private static JsonObject Rule(JsonObject? conditions, bool inverted = false)
    {
        var rule = new JsonObject { ["subject"] = "dynamic-secrets", ["action"] = new JsonArray([.. Actions.Select(a => (JsonNode)a)]) };
        if (conditions is not null) rule["conditions"] = conditions;
        if (inverted) rule["inverted"] = true;
        return rule;
    }

    private static List<Actor> CreateActors() =>
    [
        new("dev only", [Rule(new JsonObject { ["environment"] = "dev" })], t => t.Env == "dev"),
        new("/app/** only", [Rule(new JsonObject { ["secretPath"] = new JsonObject { ["$glob"] = "/app/**" } })], t => t.Path == "/app"),
        new("team=app only",
            [Rule(new JsonObject { ["metadata"] = new JsonObject { ["$elemMatch"] = new JsonObject { ["key"] = new JsonObject { ["$eq"] = "team" }, ["value"] = new JsonObject { ["$eq"] = "app" } } } })],
            t => t.Team == "app"),
        new("all but /ops (inverted)", [Rule(null), Rule(new JsonObject { ["secretPath"] = new JsonObject { ["$glob"] = "/ops/**" } }, inverted: true)],
            t => t.Path != "/ops"),
    ];

    [Fact]
    public async Task Every_scoped_caller_gets_exactly_its_scope_on_every_dynamic_secret_and_lease_route()
    {
        var actors = CreateActors();
        var api = fx.Api;
        World? world = null;
        async Task<World> WorldAsync() => world ??= await SeedAsync(actors);
        var failures = new List<string>();
        var (allowed, denied) = (0, 0);

        foreach (var target in Targets)
        {
            foreach (var (op, mutates, request) in Operations(target))
            {
                foreach (var actor in actors.OrderBy(a => a.InScope(target)))
                {
                    var w = await WorldAsync();
                    var (method, path, body) = request(w);
                    var expected = actor.InScope(target);
                    await fx.Server.Services.GetRequiredService<AuditBatcher>().FlushAsync();
                    var before = expected ? "" : await DbSnapshot.TakeProjectAsync(fx.Server, w.Project.Id);
                    var r = await api.SendAsync(new HttpMethod(method), path, body, actor.Token);
                    var where = $"{actor.Name} × {op} {target.Name}";
                    try
                    {
                        if (expected)
                        {
                            Assert.True(r.Code == 200, $"expected 200 but got {r}");
                            allowed++;
                        }
                        else
                        {
                            Assert.True(r.Code == 403 && r.Json["error"]!.GetValue<string>() == "PermissionDenied", $"expected 403 PermissionDenied but got {r}");
                            var after = await DbSnapshot.TakeProjectAsync(fx.Server, w.Project.Id);
                            Assert.True(before == after, "refused, but the project changed:\n" + DbSnapshot.Diff(before, after));
                            denied++;
                        }
                    }
                    catch (Xunit.Sdk.XunitException ex)
                    {
                        failures.Add($"{where}: {ex.Message}");
                    }
                    if (mutates && r.Code == 200) world = null;
                }
            }
        }

        // Lists answer everyone, showing exactly the dynamic secrets in the caller's scope.
        var listWorld = await WorldAsync();
        foreach (var actor in actors)
            foreach (var (env, path) in new[] { ("dev", "/app"), ("dev", "/ops"), ("prod", "/") })
            {
                var r = await api.GetAsync($"/api/v1/dynamic-secrets?projectSlug={listWorld.Project.Slug}&environmentSlug={env}&path={path}", actor.Token);
                var shown = r.Code == 200 ? r.Json["dynamicSecrets"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToList() : null;
                var expected = Targets.Where(t => t.Env == env && t.Path == path && actor.InScope(t)).Select(t => t.Name).ToList();
                if (shown is null || !shown.SequenceEqual(expected))
                    failures.Add($"{actor.Name} × list {env}:{path}: expected [{string.Join(",", expected)}] but got {r}");
            }

        Assert.True(failures.Count == 0, $"{failures.Count} cells wrong:\n{string.Join("\n", failures)}");
        Assert.True(allowed > 0 && denied > 0, $"allowed {allowed}, denied {denied}: one side is untested");
    }

    private static IEnumerable<(string Op, bool Mutates, Func<World, (string Method, string Path, object? Body)> Request)> Operations(Target t)
    {
        string Place(World w) => $"projectSlug={w.Project.Slug}&environmentSlug={t.Env}&path={t.Path}";
        object At(World w) => new { projectSlug = w.Project.Slug, environmentSlug = t.Env, path = t.Path };
        yield return ("get", false, w => ("GET", $"/api/v1/dynamic-secrets/{t.Name}?{Place(w)}", null));
        yield return ("list leases of", false, w => ("GET", $"/api/v1/dynamic-secrets/{t.Name}/leases?{Place(w)}", null));
        yield return ("get lease of", false, w => ("GET", $"/api/v1/dynamic-secrets/leases/{w.LeaseIds[t.Name]}?{Place(w)}", null));
        yield return ("lease", true, w => ("POST", "/api/v1/dynamic-secrets/leases",
            new { projectSlug = w.Project.Slug, environmentSlug = t.Env, path = t.Path, dynamicSecretName = t.Name }));
        yield return ("renew lease of", true, w => ("POST", $"/api/v1/dynamic-secrets/leases/{w.LeaseIds[t.Name]}/renew", At(w)));
        yield return ("edit", true, w => ("PATCH", $"/api/v1/dynamic-secrets/{t.Name}",
            new { projectSlug = w.Project.Slug, environmentSlug = t.Env, path = t.Path, data = new { defaultTTL = "2h" } }));
        yield return ("revoke lease of", true, w => ("DELETE", $"/api/v1/dynamic-secrets/leases/{w.LeaseIds[t.Name]}", At(w)));
        yield return ("delete", true, w => ("DELETE", $"/api/v1/dynamic-secrets/{t.Name}", At(w)));
        yield return ("create beside", true, w => ("POST", "/api/v1/dynamic-secrets", new
        {
            projectSlug = w.Project.Slug,
            environmentSlug = t.Env,
            path = t.Path,
            name = t.Name + "-2",
            defaultTTL = "1h",
            metadata = new[] { new { key = "team", value = t.Team } },
            provider = RedisProvider(0),
        }));
    }

    private static int _redisPort;

    private static object RedisProvider(int port) => new
    {
        type = "redis",
        inputs = new { host = "127.0.0.1", port = port == 0 ? _redisPort : port, username = "default", password = TargetPostgres.RootPassword },
    };

    private async Task<World> SeedAsync(List<Actor> actors)
    {
        _redisPort = redis.Port;
        var api = fx.Api;
        var admin = fx.AdminToken;
        var project = await fx.Given.TestProjectAsync();
        foreach (var folder in new[] { "app", "ops" })
            Expect.Ok(await api.PostAsync("/api/v2/folders", new { projectId = project.Id, environment = "dev", name = folder, path = "/" }, admin));
        var leases = new Dictionary<string, string>();
        foreach (var t in Targets)
        {
            Expect.Ok(await api.PostAsync("/api/v1/dynamic-secrets", new
            {
                projectSlug = project.Slug,
                environmentSlug = t.Env,
                path = t.Path,
                name = t.Name,
                defaultTTL = "1h",
                metadata = new[] { new { key = "team", value = t.Team } },
                provider = RedisProvider(redis.Port),
            }, admin));
            var lease = await api.PostAsync("/api/v1/dynamic-secrets/leases",
                new { projectSlug = project.Slug, environmentSlug = t.Env, path = t.Path, dynamicSecretName = t.Name }, admin);
            Expect.Ok(lease);
            leases[t.Name] = lease.Json["lease"]!["id"]!.GetValue<string>();
        }
        foreach (var actor in actors)
        {
            var slug = "ds-" + Guid.NewGuid().ToString("N")[..8];
            await fx.Given.RoleAsync(project.Id, slug, [.. actor.Rules.Select(r => (object)r!)]);
            var (id, token) = await fx.Given.IdentityWithTokenAsync();
            await fx.Given.MemberAsync(project.Id, id, slug);
            actor.Token = token;
        }
        return new World(project, leases);
    }
}
